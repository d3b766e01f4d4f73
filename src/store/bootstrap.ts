import type { GraphCounts } from '../domain/records.js';
import { StoreUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import { DEFAULT_SEED_DIR, loadSeedDirectory } from '../seed/load.js';
import type { OpenedStore } from './open.js';

export interface BootstrapOptions {
  seedDir?: string | undefined;
  seedOnStart: boolean;
  retryMs?: number;
}

const isEmpty = (counts: GraphCounts) => Object.values(counts).every((n) => n === 0);

async function prepare(store: OpenedStore, options: BootstrapOptions, logger: Logger): Promise<void> {
  if (store.migrate) logger.info({ statements: (await store.migrate()).length }, 'schema migrated');
  if (!options.seedOnStart || !isEmpty(await store.counts())) return;
  const seedDir = options.seedDir ?? DEFAULT_SEED_DIR;
  const written = await store.importDocument(await loadSeedDirectory(seedDir));
  logger.info({ seedDir, written }, 'empty store seeded');
}

/**
 * Migrates the store and seeds it when empty. Resolves after the first attempt: 'ready', or
 * 'retrying' when the store is unavailable, in which case the service still starts and this
 * keeps retrying in the background until the store answers. Other failures reject.
 */
export function bootstrapStore(
  store: OpenedStore,
  options: BootstrapOptions,
  logger: Logger,
): Promise<'ready' | 'retrying'> {
  const retryMs = options.retryMs ?? 5000;
  const attempt = async (): Promise<'ready' | 'retrying'> => {
    try {
      await prepare(store, options, logger);
      return 'ready';
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      logger.warn({ retryMs }, 'store unavailable; migrating and seeding will be retried');
      setTimeout(() => void attempt().catch((e: unknown) => logger.error({ err: e }, 'bootstrap failed')), retryMs).unref();
      return 'retrying';
    }
  };
  return attempt();
}
