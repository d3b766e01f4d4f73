import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger.js';

/** The longest REDIS_URL accepted. */
export const MAX_REDIS_URL_LENGTH = 2_048;

/** Why a REDIS_URL cannot be used, or null when it can: redis:// or rediss:// with a host. */
export function redisUrlProblem(value: string): string | null {
  if (value.length > MAX_REDIS_URL_LENGTH) return `must be at most ${MAX_REDIS_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a URL such as redis://host:6379/0';
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return 'must start with redis:// or rediss://';
  if (url.hostname === '') return 'must name a host, e.g. redis://127.0.0.1:6379';
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) return 'may end with a database number only, e.g. /0';
  return null;
}

/** Between reconnection attempts, growing to this at most. */
const MAX_RECONNECT_DELAY_MS = 2_000;
/** While Redis does not answer in time or refuses writes: how often it is asked again (a write, as those are what fail). */
const PROBE_EVERY_MS = 500;
/** How ioredis fails a command that got no answer within its commandTimeout. */
const TIMED_OUT = /timed out/i;
/**
 * Redis's own refusals of every write (out of memory with noeviction, a read-only replica, a failed snapshot) or of
 * every command (a script running past its time limit, the dataset still loading).
 */
const REFUSES = /^(OOM|READONLY|MISCONF|BUSY|LOADING)\b/;

/** Whether a command failed because it got no answer in time. */
export const timedOut = (error: unknown): boolean => error instanceof Error && TIMED_OUT.test(error.message);

/** Why a failed command means Redis cannot be used for now although connected, or null when it does not. */
export function failingBy(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  if (timedOut(error)) return 'does not answer in time';
  const refusal = REFUSES.exec(error.message);
  return refusal ? `refuses writes (${refusal[1]})` : null;
}

/**
 * Commands fail at once while the connection is down (no offline queue, one retry), and a command that gets
 * no answer fails after `commandTimeoutMs`, so a request never waits for Redis longer than that. The client
 * reconnects by itself, for ever.
 */
const commandOptions = (commandTimeoutMs: number): RedisOptions => ({
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 5_000,
  commandTimeout: commandTimeoutMs,
  retryStrategy: (times) => Math.min(times * 100, MAX_RECONNECT_DELAY_MS),
  lazyConnect: false,
});

export interface RedisHealth {
  /** True while the command connection is ready and Redis answers in time. */
  up(): boolean;
  /** Outages seen since start: a lost connection, none at start, or commands that time out, counts once until it is back. */
  outages(): number;
  /**
   * Told of a command that failed: one that got no answer in time (Redis paused or blocked) or that Redis refused
   * as it refuses every write (full, read-only, busy) starts an outage while the connection stays up, so that
   * requests stop waiting for Redis and share nothing through it, until a probe write succeeds again.
   */
  reportFailure(error: unknown): void;
}

/** The shared connections of one process: commands (keys prefixed) and pub/sub (channels prefixed by the caller). */
export interface SharedRedis extends RedisHealth {
  readonly commands: Redis;
  /** Pub/sub. ioredis does not renew its subscriptions: `subscribe` does, else the subscriber renews its own on 'ready'. */
  readonly subscriber: Redis;
  /** Subscribes to a channel (named in full), now and again after each reconnection; rejects when Redis refuses. */
  subscribe(channel: string): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  readonly prefix: string;
  /** Called each time the command connection is ready again after an outage (not the first time). */
  onRecovered(listener: () => void): void;
  /** Called once the command connection is ready the first time. */
  onFirstReady(listener: () => void): void;
  /** Resolves true once the command connection is ready, or false after `timeoutMs` without it. */
  whenUp(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface RedisConnectOptions {
  url: string;
  /** Put before every key and channel, so that deployments (and tests) sharing one Redis never meet. */
  prefix: string;
  logger: Logger;
  commandTimeoutMs?: number;
}

/**
 * Connects (in the background: the service starts while Redis is down) and watches the connection: an outage
 * is logged once when it starts and once when it ends, never per command, and counted.
 */
export function connectRedis({ url, prefix, logger, commandTimeoutMs = 2_000 }: RedisConnectOptions): SharedRedis {
  const commands = new Redis(url, { ...commandOptions(commandTimeoutMs), keyPrefix: prefix });
  // Subscriptions are queued until connected and renewed after each reconnection, here: ioredis's own renewal
  // leaves a refusal (an ACL without the channel: NOPERM) as an unhandled rejection, which ends the process.
  const subscriber = new Redis(url, {
    ...commandOptions(commandTimeoutMs),
    enableOfflineQueue: true,
    maxRetriesPerRequest: null,
    autoResubscribe: false,
  });
  const channels = new Set<string>();
  subscriber.on('ready', () => {
    for (const channel of channels) subscriber.subscribe(channel).catch(() => undefined);
  });
  let ready = false;
  let everReady = false;
  let down = false;
  /** Connected, but a command got no answer in time or was refused (see failingBy): an outage until a probe succeeds. */
  let failing = false;
  let outages = 0;
  let closing = false;
  const recovered: (() => void)[] = [];
  const first: (() => void)[] = [];
  const lost = (error?: Error) => {
    ready = false;
    if (down || closing) return;
    down = true;
    // The outage a failing command began goes on, now as a lost connection: counted and logged once.
    if (failing) {
      failing = false;
      return;
    }
    outages += 1;
    logger.warn(
      { err: error?.message ?? 'connection closed', outage: outages },
      'Redis is unreachable: serving from the store alone (response cache bypassed, rate limits per process) until it is back',
    );
  };
  const back = () => {
    for (const listener of recovered) listener();
  };
  /** Writes to Redis again, until a write succeeds or fails for another reason than the outage's (which it cannot end). */
  const probe = () => {
    const timer = setTimeout(() => {
      if (!failing || closing) return;
      commands
        .set('probe', '1', 'PX', 10_000)
        .then(resumed, (error: unknown) => (failingBy(error) === null ? resumed() : probe()));
    }, PROBE_EVERY_MS);
    timer.unref();
  };
  const resumed = () => {
    if (!failing) return;
    failing = false;
    logger.info({ outage: outages }, 'Redis takes writes in time again: shared state resumes');
    back();
  };
  const reportFailure = (error: unknown) => {
    const why = failingBy(error);
    if (failing || down || closing || !ready || why === null) return;
    failing = true;
    outages += 1;
    logger.warn(
      { err: (error as Error).message, outage: outages },
      `Redis ${why}: serving from the store alone (response cache bypassed, rate limits per process) until it takes writes again`,
    );
    probe();
  };
  commands.on('ready', () => {
    ready = true;
    failing = false;
    const wasDown = down;
    down = false;
    if (!everReady) {
      everReady = true;
      if (wasDown) logger.info('Redis is reachable');
      for (const listener of first) listener();
      return;
    }
    logger.info({ outage: outages }, 'Redis is reachable again: shared state resumes');
    back();
  });
  commands.on('error', (error: Error) => lost(error));
  commands.on('close', () => lost());
  // Its own failures show through the command connection; without a listener ioredis would print them.
  subscriber.on('error', () => undefined);
  return {
    commands,
    subscriber,
    subscribe: async (channel) => {
      channels.add(channel);
      await subscriber.subscribe(channel);
    },
    unsubscribe: async (channel) => {
      channels.delete(channel);
      await subscriber.unsubscribe(channel);
    },
    prefix,
    up: () => ready && !failing,
    outages: () => outages,
    reportFailure,
    onRecovered: (listener) => void recovered.push(listener),
    onFirstReady: (listener) => {
      if (everReady) listener();
      else first.push(listener);
    },
    whenUp: (timeoutMs) =>
      ready
        ? Promise.resolve(true)
        : new Promise((resolve) => {
            const up = () => {
              clearTimeout(timer);
              resolve(true);
            };
            const timer = setTimeout(() => {
              commands.off('ready', up);
              resolve(false);
            }, timeoutMs);
            commands.once('ready', up);
          }),
    close: async () => {
      closing = true;
      commands.disconnect();
      subscriber.disconnect();
    },
  };
}
