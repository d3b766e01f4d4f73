import { createYoga, type Plugin } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import { type ClientOf, clientIdentity } from './auth/clients.js';
import { useRejectInvalidTokens } from './auth/plugin.js';
import type { ConfiguredToken } from './auth/token-config.js';
import { createRequestAuthenticator, type RequestAuthenticator } from './auth/verify.js';
import { loadPersistedOperations, persistedOperationNames } from './config/persisted-operations.js';
import { inProcessSettings, type OpsSettings } from './config/settings.js';
import { createContextFactory } from './context.js';
import type { ChangeSet } from './domain/integrity/changes.js';
import { loadExamples } from './examples.js';
import { inProcessSignal } from './feed/signal.js';
import type { ChangeFeed } from './feed/stream.js';
import type { WebhookDispatcher } from './feed/webhooks/dispatcher.js';
import { schema } from './graphql-schema.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, useMetricsEndpoint } from './metrics.js';
import { useAdmission } from './plugins/admission.js';
import { type ApqStore, createMemoryApqStore } from './plugins/apq-store.js';
import { meterSchema, useExecutionBudget } from './plugins/budget.js';
import { useChangeFeedEvents } from './plugins/change-feed-sse.js';
import { useCompression } from './plugins/compression.js';
import { useCors, useVaryOrigin } from './plugins/cors.js';
import { ListSizesCache, useCostLimit } from './plugins/cost.js';
import { createDocumentCaches, type DocumentCaches } from './plugins/document-cache.js';
import {
  useOperationResolutionStatus,
  useValidationAbortMessage,
  useVariableErrorCodes,
} from './plugins/error-codes.js';
import { useExecutor } from './plugins/executor.js';
import { useSeriesExport } from './plugins/export-series.js';
import { useGraphiQLPage } from './plugins/graphiql.js';
import { guarded, useSendableHeaders } from './plugins/guard.js';
import { useHead } from './plugins/head.js';
import { useHealthEndpoints } from './plugins/health.js';
import { useNoIntrospection } from './plugins/introspection.js';
import { useBodyLimit, useOperationLimits } from './plugins/limits.js';
import { useMediaTypes } from './plugins/media-types.js';
import { useObservability } from './plugins/observability.js';
import { useKnownOperationTypes } from './plugins/operation-types.js';
import { usePersisted } from './plugins/persisted.js';
import { usePlanner } from './plugins/planner.js';
import { useRateLimit } from './plugins/rate-limit.js';
import { useRequestParams } from './plugins/request-params.js';
import { createDramaResponseCache, type DramaResponseCache, useDramaResponseCache } from './plugins/response-cache.js';
import { useStructuredData } from './plugins/structured-data.js';
import { useReservedVariableNames, useVariableDefaults } from './plugins/variable-names.js';
import { useWatchedThrough } from './plugins/watched-through.js';
import { useWidget, WIDGET_PATHS } from './plugins/widget.js';
import type { LoaderMode } from './reads/loaders.js';
import { warmRecommendations } from './reads/warm-up.js';
import type { RedisHealth } from './redis/connection.js';
import type { BootstrapPhase } from './store/bootstrap.js';
import type { DramaStore } from './store/port.js';

export interface YogaOptions {
  store: DramaStore;
  graphiql?: boolean;
  /** Limits, rate limit, cache, CORS, warm-up…; in-process defaults have no rate limit, no response cache, no warm-up and a 10-minute time budget. */
  ops?: Partial<OpsSettings>;
  logger?: Logger;
  /** Pass one to keep a handle on the response cache (writes invalidate through it). */
  responseCache?: DramaResponseCache;
  /** The bearer tokens accepted for writes (see loadTokens); none by default, so every viewer is anonymous. */
  tokens?: readonly ConfiguredToken[];
  /** 'off' turns batching and per-request caching off (the benchmark's N+1 baseline); default 'on'. */
  loaders?: LoaderMode;
  /**
   * Where the store's bootstrap stands (a BootstrapState that bootstrapStore moves forward): /ready answers
   * 503 and no answer is cached until it is 'ready'. Default: ready from the start (the caller bootstrapped).
   */
  bootstrap?: { readonly phase: BootstrapPhase };
  /** The persisted operations, already loaded (loadConfig does); default: read from ops.persisted.file. */
  persistedOperations?: ReadonlyMap<string, string>;
  /** Where registered automatic persisted queries live; default: an LRU in this process bounded by ops.apq. */
  apqStore?: ApqStore;
  /**
   * Replicas sharing state through Redis (see startReplication, which also gives the store, response cache
   * and APQ store to pass): rate limits counted in Redis, writes announced to every replica, Redis health in /metrics.
   */
  replication?: { redis: RedisHealth & { commands: Redis }; written(applied: ChangeSet): Promise<void> };
  /** How the changes subscription hears of writes; default: this process's writes, and a poll every 2 s. */
  changeFeed?: ChangeFeed;
  /** The webhook deliveries of this process, for /metrics and the webhookEndpoints admin query; none by default. */
  webhooks?: WebhookDispatcher | undefined;
}

interface OpsDependencies {
  logger: Logger;
  responseCache: DramaResponseCache;
  documents: DocumentCaches;
  authenticate: RequestAuthenticator;
  clientOf: ClientOf;
  bootstrapped: () => boolean;
  persisted: ReadonlyMap<string, string>;
  apq: ApqStore;
  redis: (RedisHealth & { commands: Redis }) | undefined;
  webhooks: WebhookDispatcher | undefined;
  graphiql: boolean;
}

function opsPlugins(
  store: DramaStore,
  ops: OpsSettings,
  {
    logger,
    responseCache,
    documents,
    authenticate,
    clientOf,
    bootstrapped,
    persisted,
    apq,
    redis,
    webhooks,
    graphiql,
  }: OpsDependencies,
): Plugin[] {
  const rateLimit = useRateLimit(ops.rateLimit, clientOf, redis);
  const cacheEntries = () => ({
    documents: documents.documentCache.size,
    parse_errors: documents.errorCache.size,
    responses: responseCache.size(),
    rate_limit_clients: rateLimit.clients(),
    apq: apq.size(),
  });
  const metrics = createMetrics(store, {
    operationNames: persistedOperationNames(persisted),
    cacheEntries,
    responseCacheLookups: responseCache.lookups,
    responseCacheBypassed: responseCache.bypassed,
    ...(redis ? { redis } : {}),
    webhooks: () => webhooks?.localStatuses() ?? [],
  });
  return [
    useObservability(logger, metrics),
    useMetricsEndpoint(metrics),
    rateLimit,
    useWidget(),
    ...(graphiql
      ? [
          useGraphiQLPage(GRAPHQL_ENDPOINT, {
            title: 'Drama knowledge graph',
            defaultTabs: loadExamples().map((example) => ({ query: example.document })),
          }),
        ]
      : []),
    useVaryOrigin(ops.corsOrigins),
    useRejectInvalidTokens(authenticate),
    useSeriesExport(store, ops.exportAccess, authenticate, clientOf, ops.exports),
    useMediaTypes(),
    useBodyLimit(ops.limits.bodyBytes),
    useRequestParams(ops.inputDepth),
    ...usePersisted(ops.persisted, persisted, authenticate, apq),
    ...useOperationLimits(ops.limits),
    useKnownOperationTypes(),
    useReservedVariableNames(),
    useCostLimit(ops.limits.cost, new ListSizesCache(store)),
    ...(ops.introspection ? [] : useNoIntrospection()),
    ...(ops.responseCacheTtlMs > 0
      ? [useDramaResponseCache(responseCache, ops.responseCacheTtlMs, bootstrapped, clientOf)]
      : []),
  ];
}

const GRAPHQL_ENDPOINT = '/graphql';

const yogaLogging = (logger: Logger) => {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) =>
      logger[level]({ detail: args.map((arg) => (arg instanceof Error ? arg.stack : String(arg))) }, 'graphql-yoga');
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
};

/** 200 once bootstrapped and while the store answers, else 503; the body names the state. */
function readiness(store: DramaStore, bootstrap: { readonly phase: BootstrapPhase }) {
  return async (fetchAPI: { Response: typeof Response }) => {
    const answer = (status: number, state: string) =>
      new fetchAPI.Response(JSON.stringify({ status: state }), {
        status,
        headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      });
    if (bootstrap.phase !== 'ready') return answer(503, bootstrap.phase);
    return store.ping().then(
      () => answer(200, 'ready'),
      () => answer(503, 'unavailable'),
    );
  };
}

/** Builds the HTTP handler: GraphQL at /graphql, liveness at /health, readiness (bootstrapped, the store answers) at /ready, /metrics, JSON-LD at /series/{slug}.jsonld. */
export function createDramaYoga(options: YogaOptions) {
  const bootstrap = options.bootstrap ?? { phase: 'ready' };
  const ops = inProcessSettings(options.ops);
  const {
    store,
    graphiql,
    logger = createLogger('silent'),
    responseCache = createDramaResponseCache(ops.caches),
    tokens = [],
  } = options;
  const documents = createDocumentCaches(ops.caches);
  const authenticate = createRequestAuthenticator(tokens);
  const clientOf = clientIdentity(authenticate, ops.proxyHops);
  const feed = options.changeFeed ?? { signal: inProcessSignal(), pollMs: 2_000 };
  // Any successful write may change any answer (an empty list, a count, a search), so none is kept; with
  // replicas, every one of them forgets its cached answers and what it derived from the series touched.
  const replication = options.replication;
  const onChange = async (applied: ChangeSet) => {
    feed.signal.notify();
    await (replication ? replication.written(applied) : responseCache.clear());
  };
  meterSchema(schema);
  if (ops.warmRecommendations) void warmRecommendations(store, logger);
  const [headAsGet, headWithoutBody] = useHead([GRAPHQL_ENDPOINT, ...WIDGET_PATHS]);
  return createYoga({
    schema,
    context: createContextFactory(store, {
      authenticate,
      clientOf,
      onChange,
      loaderMode: options.loaders ?? 'on',
      feed,
      webhooks: options.webhooks ?? null,
    }),
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    // useHealthEndpoints answers /health; no request URL ends with a space, so Yoga's own check never matches.
    healthCheckEndpoint: ' ',
    landingPage: false,
    parserAndValidationCache: documents,
    maskedErrors: { isDev: false },
    batching: false,
    // useBodyLimit (plugins/limits.ts) is the body limit.
    maxRequestBodySize: false,
    logging: yogaLogging(logger),
    cors: useCors(ops.corsOrigins),
    // useGraphiQLPage serves the page, after the rate limit and the logs.
    graphiql: false,
    plugins: guarded(
      [
        // First, as Yoga's own checks were: probes are answered before any rate limit, token check or log.
        useHealthEndpoints(readiness(store, bootstrap)),
        headAsGet,
        useVariableDefaults(),
        ...useExecutor(ops.executor, ops.jitMaxTokens, logger),
        // Inside the budget, so that its time counts the planned reads; they run as execution starts, once
        // the viewer's progress is known.
        usePlanner(ops.planner, logger),
        useExecutionBudget(ops.budget),
        // Outside the budget: time spent waiting for a place is not the operation's (it waits at most that long).
        useAdmission({ ...ops.operations, waitMs: ops.budget.timeMs }, clientOf),
        // Before the response cache: a bad progress stops execution, and a cache that saw execution start
        // without its executor called prints a warning to the console.
        useWatchedThrough(),
        ...opsPlugins(store, ops, {
          logger,
          responseCache,
          documents,
          authenticate,
          clientOf,
          bootstrapped: () => bootstrap.phase === 'ready',
          persisted: options.persistedOperations ?? loadPersistedOperations(ops.persisted.file),
          apq: options.apqStore ?? createMemoryApqStore(ops.apq),
          redis: replication?.redis,
          webhooks: options.webhooks,
          graphiql: graphiql ?? ops.graphiql,
        }),
        useStructuredData(store, { maxAgeSeconds: ops.persisted.maxAgeSeconds, loaderMode: options.loaders ?? 'on' }),
        useVariableErrorCodes(),
        useOperationResolutionStatus(),
        useValidationAbortMessage(),
        useChangeFeedEvents(ops.subscriptions, clientOf),
        // Last, so that it compresses what every other plugin answered.
        useCompression(),
        headWithoutBody,
        useSendableHeaders(logger),
      ],
      logger,
    ),
  });
}

export type DramaYoga = ReturnType<typeof createDramaYoga>;
