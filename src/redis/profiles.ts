import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import { buildCatalogue } from '../reads/catalogue-profiles.js';
import { type CatalogueEntry, CatalogueSnapshot } from '../reads/profile-cache.js';
import type { DramaStore } from '../store/port.js';
import type { SharedRedis } from './connection.js';

/** How long one replica may hold the build lock; the others wait for it up to this long, then build themselves. */
const LOCK_MS = 120_000;
/** How long shared profiles are kept: they are read only at a full build (a start, an import), by data version. */
const KEPT_MS = 60 * 60_000;
/** Profiles whose JSON is longer than this are not shared (each replica builds its own). */
const MAX_SHARED_CHARS = 50_000_000;
const POLL_MS = 100;
/** At start, how long to wait for Redis before building alone. */
const CONNECT_WAIT_MS = 5_000;

const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Entries read back from Redis, or null when the text is not a list of them. */
function entriesFrom(text: string): CatalogueEntry[] | null {
  try {
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value)) return null;
    const valid = value.every(
      (e) =>
        typeof e?.series?.key === 'string' &&
        typeof e?.profile?.seriesKey === 'string' &&
        Array.isArray(e?.profile?.tropes) &&
        typeof e?.evidence?.evidencePerSeries === 'number',
    );
    return valid ? (value as CatalogueEntry[]) : null;
  } catch {
    return null;
  }
}

export type CatalogueBuilder = (store: DramaStore) => Promise<CatalogueSnapshot>;

/**
 * Builds the catalogue's profiles once for the whole deployment: keyed by the store's data version (the same
 * for every replica of one database), one replica builds under a Redis lock and shares them; the others wait
 * and read them. Without Redis, or when waiting takes too long, a replica builds its own.
 */
export function sharedCatalogueBuilder(redis: SharedRedis, logger: Logger): CatalogueBuilder {
  return async (store) => {
    const position = store.journal.position;
    const version = await store.dataVersion();
    const key = `profiles:${createHash('sha256').update(`${store.kind}:${version}`).digest('hex')}`;
    const read = async () => {
      const text = await redis.commands.get(key);
      const entries = text === null ? null : entriesFrom(text);
      return entries === null ? null : new CatalogueSnapshot(entries, position);
    };
    const own = async (reason: string) => {
      logger.info({ reason }, 'building recommendation profiles in this replica');
      return buildCatalogue(store);
    };
    let building = false;
    try {
      // Still connecting at start: wait a little; known to be down: do not.
      const reachable = redis.up() || (redis.outages() === 0 && (await redis.whenUp(CONNECT_WAIT_MS)));
      if (!reachable) return own('Redis is unreachable');
      const deadline = Date.now() + LOCK_MS;
      for (;;) {
        const shared = await read();
        if (shared !== null) {
          logger.info({ series: shared.entries.length }, 'recommendation profiles read from Redis');
          return shared;
        }
        const token = randomUUID();
        if ((await redis.commands.set(`lock:${key}`, token, 'PX', LOCK_MS, 'NX')) === 'OK') {
          try {
            building = true;
            const built = await buildCatalogue(store);
            building = false;
            const text = JSON.stringify(built.entries);
            if (text.length <= MAX_SHARED_CHARS)
              await redis.commands.set(key, text, 'PX', KEPT_MS).catch(() => undefined);
            logger.info(
              { series: built.entries.length, chars: text.length },
              'recommendation profiles built and shared',
            );
            return built;
          } finally {
            await redis.commands.eval(RELEASE, 1, `lock:${key}`, token).catch(() => undefined);
          }
        }
        if (Date.now() > deadline) return own('waited too long for another replica');
        await sleep(POLL_MS);
      }
    } catch (error) {
      if (building) throw error;
      return own(`Redis failed: ${(error as Error).message}`);
    }
  };
}
