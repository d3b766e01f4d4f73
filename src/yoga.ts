import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createYoga, useReadinessCheck, type Plugin } from 'graphql-yoga';
import { useRejectInvalidTokens } from './auth/plugin.js';
import type { ConfiguredToken } from './auth/token-config.js';
import { createRequestAuthenticator, type RequestAuthenticator } from './auth/verify.js';
import { createContextFactory } from './context.js';
import { touchedEntities } from './writes/invalidation.js';
import type { ChangeSet } from './domain/writes/changes.js';
import { loadExamples } from './examples.js';
import { schema } from './graphql-schema.js';
import { warmRecommendations } from './schema/support/warm-up.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, useMetricsEndpoint } from './metrics.js';
import { inProcessSettings, type OpsSettings } from './ops/settings.js';
import { meterSchema, useExecutionBudget } from './plugins/budget.js';
import { useCors } from './plugins/cors.js';
import { ListSizesCache, useCostLimit } from './plugins/cost.js';
import { useExecutor } from './plugins/executor.js';
import { useVariableErrorCodes } from './plugins/error-codes.js';
import { useNoIntrospection } from './plugins/introspection.js';
import { useGetParamsCheck } from './plugins/get-params.js';
import { useBodyLimit, useOperationLimits } from './plugins/limits.js';
import { useObservability } from './plugins/observability.js';
import { usePersisted } from './plugins/persisted.js';
import { useRateLimit } from './plugins/rate-limit.js';
import { createDramaResponseCache, useDramaResponseCache, type DramaResponseCache } from './plugins/response-cache.js';
import { useWatchedThrough } from './plugins/watched-through.js';
import type { LoaderMode } from './loaders.js';
import type { DramaStore } from './store/port.js';

export interface YogaOptions {
  store: DramaStore;
  graphiql?: boolean;
  /** Limits, rate limit, cache, CORS, warm-up…; in-process defaults have no rate limit, no response cache and no warm-up. */
  ops?: Partial<OpsSettings>;
  logger?: Logger;
  /** Pass one to keep a handle on the response cache (writes invalidate through it). */
  responseCache?: DramaResponseCache;
  /** The bearer tokens accepted for writes (see loadTokens); none by default, so every viewer is anonymous. */
  tokens?: readonly ConfiguredToken[];
  /** 'off' turns batching and per-request caching off (the benchmark's N+1 baseline); default 'on'. */
  loaders?: LoaderMode;
}

interface OpsDependencies {
  logger: Logger;
  responseCache: DramaResponseCache;
  authenticate: RequestAuthenticator;
}

function opsPlugins(store: DramaStore, ops: OpsSettings, { logger, responseCache, authenticate }: OpsDependencies): Plugin[] {
  const metrics = createMetrics(store);
  return [
    useObservability(logger, metrics),
    useMetricsEndpoint(metrics),
    useRateLimit(ops.rateLimit, authenticate),
    useRejectInvalidTokens(authenticate),
    useBodyLimit(ops.limits.bodyBytes),
    useGetParamsCheck(),
    ...usePersisted(ops.persisted, authenticate),
    ...useOperationLimits(ops.limits),
    useCostLimit(ops.limits.cost, new ListSizesCache(store)),
    ...(ops.introspection ? [] : [useNoIntrospection()]),
    ...(ops.responseCacheTtlMs > 0 ? [useDramaResponseCache(responseCache, ops.responseCacheTtlMs)] : []),
  ];
}

const yogaLogging = (logger: Logger) => {
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (...args: unknown[]) =>
    logger[level]({ detail: args.map((arg) => (arg instanceof Error ? arg.stack : String(arg))) }, 'graphql-yoga');
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
};

/** Builds the HTTP handler: GraphQL at /graphql, liveness at /health, readiness (the store answers) at /ready, /metrics. */
export function createDramaYoga(options: YogaOptions) {
  const { store, graphiql, logger = createLogger('silent'), responseCache = createDramaResponseCache(), tokens = [] } = options;
  const ops = inProcessSettings(options.ops);
  const authenticate = createRequestAuthenticator(tokens);
  const onChange = (applied: ChangeSet) => responseCache.invalidate(touchedEntities(applied));
  meterSchema(schema);
  if (ops.warmRecommendations) void warmRecommendations(store, logger);
  return createYoga({
    schema,
    context: createContextFactory(store, { authenticate, onChange, loaderMode: options.loaders ?? 'on' }),
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    maskedErrors: { isDev: false },
    batching: false,
    logging: yogaLogging(logger),
    cors: useCors(ops.corsOrigins),
    renderGraphiQL,
    graphiql: (graphiql ?? ops.graphiql) && {
      title: 'Drama knowledge graph',
      defaultTabs: loadExamples().map((example) => ({ query: example.document })),
    },
    plugins: [
      ...useExecutor(ops.executor, logger),
      useExecutionBudget(ops.budget),
      ...opsPlugins(store, ops, { logger, responseCache, authenticate }),
      useVariableErrorCodes(),
      useWatchedThrough(),
      useReadinessCheck({ endpoint: '/ready', check: () => store.ping().then(() => true) }),
    ],
  });
}

export type DramaYoga = ReturnType<typeof createDramaYoga>;
