import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SharedRedis } from '../../redis/connection.js';

/** What /metrics and admin tokens see of an endpoint. */
export interface EndpointStatus {
  /** The cursor of the last change the endpoint acknowledged (2xx), or null before the first. */
  deliveredCursor: number | null;
  consecutiveFailures: number;
  failing: boolean;
  lastError: string | null;
  /** ms since the epoch. */
  lastSuccessAt: number | null;
}

/**
 * Where deliveries are remembered across crashes and shared across replicas: each endpoint's delivered
 * cursor and status, and a lease so that one replica at a time delivers to it.
 */
export interface DeliveryState {
  status(id: string): Promise<EndpointStatus | null>;
  /** Saves the status; the delivered cursor never moves back. */
  saveStatus(id: string, status: EndpointStatus): Promise<void>;
  /** Takes or renews the endpoint's lease for `ttlMs`; false while another owner holds it. */
  lease(id: string, owner: string, ttlMs: number): Promise<boolean>;
  release(id: string, owner: string): Promise<void>;
  close(): Promise<void>;
}

const LEASE = `if redis.call('get', KEYS[1]) == ARGV[1] or redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  redis.call('pexpire', KEYS[1], ARGV[2]) return 1 end return 0`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;
/** Keeps the larger delivered cursor of the stored and the new status. */
const SAVE_STATUS = `local old = redis.call('get', KEYS[1])
local new = cjson.decode(ARGV[1])
if old then
  local before = cjson.decode(old).deliveredCursor
  if type(before) == 'number' and (type(new.deliveredCursor) ~= 'number' or new.deliveredCursor < before) then
    new.deliveredCursor = before
  end
end
redis.call('set', KEYS[1], cjson.encode(new)) return 1`;

/**
 * Shared by every replica with the same REDIS_URL and REDIS_KEY_PREFIX, on the process's shared command
 * connection (see src/redis/connection.ts), under the keys `<prefix>webhooks:webhook:<id>:status` and
 * `...:lease` (the connection puts the prefix before each key, those of scripts included).
 */
export function redisDeliveryState(redis: SharedRedis): DeliveryState {
  const commands = redis.commands;
  const key = (id: string, part: string) => `webhooks:webhook:${id}:${part}`;
  return {
    async status(id) {
      const text = await commands.get(key(id, 'status'));
      return text === null ? null : (JSON.parse(text) as EndpointStatus);
    },
    async saveStatus(id, status) {
      await commands.eval(SAVE_STATUS, 1, key(id, 'status'), JSON.stringify(status));
    },
    async lease(id, owner, ttlMs) {
      return (await commands.eval(LEASE, 1, key(id, 'lease'), owner, String(ttlMs))) === 1;
    },
    async release(id, owner) {
      await commands.eval(RELEASE, 1, key(id, 'lease'), owner);
    },
    // The connection is the process's, closed with it.
    async close() {},
  };
}

/** One process's state in a JSON file (no Redis): every lease is granted, so run one replica with it. */
export function fileDeliveryState(path: string): DeliveryState {
  let statuses: Record<string, EndpointStatus> = {};
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { statuses?: Record<string, EndpointStatus> };
    statuses = Object.assign(Object.create(null), parsed.statuses ?? {});
  } catch {
    statuses = Object.create(null);
  }
  return {
    async status(id) {
      return statuses[id] ?? null;
    },
    async saveStatus(id, status) {
      const before = statuses[id]?.deliveredCursor ?? null;
      const deliveredCursor =
        before !== null && (status.deliveredCursor === null || status.deliveredCursor < before)
          ? before
          : status.deliveredCursor;
      statuses[id] = { ...status, deliveredCursor };
      writeFileSync(`${path}.tmp`, JSON.stringify({ statuses }));
      renameSync(`${path}.tmp`, path);
    },
    async lease() {
      return true;
    },
    async release() {},
    async close() {},
  };
}
