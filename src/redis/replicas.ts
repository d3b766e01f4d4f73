import type { OpsSettings } from '../config/settings.js';
import { type ChangeSet, touchedSeries } from '../domain/integrity/changes.js';
import type { Logger } from '../logger.js';
import type { ApqStore } from '../plugins/apq-store.js';
import type { DramaResponseCache } from '../plugins/response-cache.js';
import { buildCatalogueWith } from '../reads/recommendations.js';
import type { DramaStore } from '../store/port.js';
import { followRemoteWrites } from '../store/remote-writes.js';
import { createRedisApqStore } from './apq-store.js';
import { connectRedis, type SharedRedis } from './connection.js';
import { ReplicaBus } from './invalidation.js';
import { sharedCatalogueBuilder } from './profiles.js';
import { createRedisResponseCache } from './response-cache.js';

/** What replicas share through Redis (see docs/scaling.md). */
export interface Replication {
  readonly redis: SharedRedis;
  /** The store, following the writes other replicas announce (its caches are invalidated as for this process's). */
  readonly store: DramaStore;
  readonly responseCache: DramaResponseCache;
  readonly apqStore: ApqStore;
  /** After a write here: every replica forgets cached answers, and what it derived from the series touched. */
  written(applied: ChangeSet): Promise<void>;
  close(): Promise<void>;
}

export interface ReplicationSettings {
  url: string;
  prefix: string;
  ops: Pick<OpsSettings, 'caches' | 'apq'>;
  logger: Logger;
}

/** Connects to Redis (in the background: the service starts while it is down) and shares state through it. */
export function startReplication(target: DramaStore, { url, prefix, ops, logger }: ReplicationSettings): Replication {
  const redis = connectRedis({ url, prefix, logger });
  const bus = new ReplicaBus(redis, logger);
  const following = followRemoteWrites(target);
  bus.onRemoteWrite((series) => following.written(series));
  buildCatalogueWith(following.store, sharedCatalogueBuilder(redis, logger));
  return {
    redis,
    store: following.store,
    responseCache: createRedisResponseCache(redis, bus, ops.caches),
    apqStore: createRedisApqStore(redis, ops.apq),
    written: (applied) => bus.announce([...touchedSeries(applied)]),
    close: () => redis.close(),
  };
}
