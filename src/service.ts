import type { RequestListener } from 'node:http';
import type { Config } from './config/environment.js';
import { inProcessSignal, redisSignal } from './feed/signal.js';
import { startWebhooks } from './feed/webhooks/start.js';
import type { Logger } from './logger.js';
import { createDramaResponseCache, watchDataVersion } from './plugins/response-cache.js';
import { startReplication } from './redis/replicas.js';
import { inOriginForm } from './request-target.js';
import type { BootstrapState } from './store/bootstrap.js';
import type { DramaStore } from './store/port.js';
import { createDramaYoga } from './yoga.js';

export interface RunningService {
  handler: RequestListener;
  /** Ends every open event stream (the changes subscription), as draining begins. */
  endStreams(): void;
  /** Stops webhook deliveries, then the shared Redis connection (leases are released through it). */
  close(): Promise<void>;
}

/** Wires a bootstrapped store to what a request needs: replication over Redis, the feed, webhooks, caches. */
export function startService(
  store: DramaStore,
  config: Config,
  logger: Logger,
  bootstrap: BootstrapState,
): RunningService {
  const replication = config.redis ? startReplication(store, { ...config.redis, ops: config.ops, logger }) : undefined;
  const signal = replication ? redisSignal(replication.redis) : inProcessSignal();
  const webhooks = startWebhooks(store, config, signal, logger, replication?.redis);
  const responseCache = replication?.responseCache ?? createDramaResponseCache(config.ops.caches);
  // Writes of other processes (npm run import; a replica without Redis) clear cached answers too.
  const writers = watchDataVersion(store, () => responseCache.clear());
  const watching = setInterval(() => void writers.check(), config.feed.pollMs);
  watching.unref();
  void writers.check();
  const closing = new AbortController();
  const handler = createDramaYoga({
    store: replication?.store ?? store,
    responseCache,
    ...(replication ? { replication, apqStore: replication.apqStore } : {}),
    webhooks,
    changeFeed: { signal, pollMs: config.feed.pollMs, closing: closing.signal },
    ops: config.ops,
    logger,
    tokens: config.tokens,
    loaders: config.loaders,
    bootstrap,
    persistedOperations: config.persistedOperations,
  });
  return {
    handler: inOriginForm(handler),
    endStreams: () => closing.abort(),
    async close() {
      clearInterval(watching);
      await (webhooks?.stop() ?? Promise.resolve()).catch(() => undefined);
      await replication?.close();
    },
  };
}
