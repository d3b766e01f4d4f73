import type { GraphCounts } from '../domain/records.js';
import { StoreTimeoutError, StoreUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import { DEFAULT_SEED_DIR, loadSeedDirectory } from '../seed/load.js';
import type { OpenedStore } from './open.js';

export interface BootstrapOptions {
  seedDir?: string | undefined;
  seedOnStart: boolean;
  retryMs?: number;
}

/**
 * Where bootstrap (migrate, then seed an empty store) stands: 'starting' until the first attempt ends,
 * 'retrying' while the store is unavailable or times out, 'failed' after any other error, 'ready' once done.
 */
export type BootstrapPhase = 'starting' | 'retrying' | 'failed' | 'ready';

/** Shared by bootstrapStore, which moves it forward, and the readiness check, which reads it. */
export class BootstrapState {
  phase: BootstrapPhase = 'starting';

  get done(): boolean {
    return this.phase === 'ready';
  }
}

const isEmpty = (counts: GraphCounts) => Object.values(counts).every((n) => n === 0);

/** Once an empty store starts being seeded, retries seed it again (imports upsert) until one completes. */
function preparer(store: OpenedStore, options: BootstrapOptions, logger: Logger) {
  let seeding = false;
  return async (): Promise<void> => {
    if (store.migrate) logger.info({ statements: (await store.migrate()).length }, 'schema migrated');
    if (!options.seedOnStart) return;
    seeding ||= isEmpty(await store.counts());
    if (!seeding) return;
    const seedDir = options.seedDir ?? DEFAULT_SEED_DIR;
    const written = await store.importDocument(await loadSeedDirectory(seedDir));
    // A few series: kept before the service is ready, so its first requests find them kept.
    await store.settleSummaries?.();
    seeding = false;
    logger.info({ seedDir, written }, 'empty store seeded');
  };
}

/**
 * Migrates the store and seeds it when empty. Resolves after the first attempt: 'ready', or
 * 'retrying' when the store is unavailable, in which case the service still starts and this
 * keeps retrying in the background until the store answers. Other failures reject. `state`
 * follows every attempt, background ones included.
 */
export function bootstrapStore(
  store: OpenedStore,
  options: BootstrapOptions,
  logger: Logger,
  state: BootstrapState = new BootstrapState(),
): Promise<'ready' | 'retrying'> {
  const retryMs = options.retryMs ?? 5000;
  const prepare = preparer(store, options, logger);
  const attempt = async (): Promise<'ready' | 'retrying'> => {
    try {
      await prepare();
      state.phase = 'ready';
      return 'ready';
    } catch (error) {
      // A store that is down, or too busy to finish in time, is retried: migrations and seeding upsert.
      if (!(error instanceof StoreUnavailableError || error instanceof StoreTimeoutError)) {
        state.phase = 'failed';
        throw error;
      }
      state.phase = 'retrying';
      logger.warn({ code: error.extensions.code, retryMs }, 'store unavailable; migrating and seeding will be retried');
      setTimeout(
        () => void attempt().catch((e: unknown) => logger.error({ err: e }, 'bootstrap failed')),
        retryMs,
      ).unref();
      return 'retrying';
    }
  };
  return attempt();
}
