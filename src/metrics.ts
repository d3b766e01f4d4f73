import { getHeapStatistics } from 'node:v8';
import type { Plugin } from 'graphql-yoga';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DramaStore } from './store/port.js';

interface Observation {
  operation: string | null;
  status: number;
  durationMs: number;
  errorCodes: string[];
}

export interface DramaMetrics {
  registry: Registry;
  observe(observation: Observation): void;
}

export interface MetricsOptions {
  /** The operation names that get a label of their own (the persisted operations'); any other is `other`. */
  operationNames?: Iterable<string>;
  /** The entries each bounded cache or table holds now, by a fixed name. */
  cacheEntries?: () => Record<string, number>;
  /** The response cache's hits and misses since start. */
  responseCacheLookups?: () => { hits: number; misses: number };
  /** Whether the response cache is passed by now (in Redis: Redis away, or a write's generation not moved yet). */
  responseCacheBypassed?: () => boolean;
  /** With REDIS_URL: whether Redis answers, and how many outages there were. */
  redis?: { up(): boolean; outages(): number };
  /** Each webhook endpoint's delivery state as this replica knows it (ids come from WEBHOOKS_FILE, at most 100). */
  webhooks?: () => { id: string; failing: boolean; consecutiveFailures: number; deliveredCursor: number | null }[];
}

/** Error codes come from the service, but a label set must stay bounded whatever happens: past this many, `OTHER`. */
export const MAX_ERROR_CODE_LABELS = 64;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/** Prometheus metrics of one service instance, in a registry of its own. Every label takes values from a bounded set. */
export function createMetrics(
  store: DramaStore,
  {
    operationNames = [],
    cacheEntries = () => ({}),
    responseCacheLookups,
    responseCacheBypassed,
    redis,
    webhooks = () => [],
  }: MetricsOptions = {},
): DramaMetrics {
  const known = new Set(operationNames);
  const operationLabel = (name: string | null) => (name === null ? 'anonymous' : known.has(name) ? name : 'other');
  const codes = new Set<string>();
  const codeLabel = (code: string) => {
    if (codes.has(code)) return code;
    if (!ERROR_CODE.test(code) || codes.size >= MAX_ERROR_CODE_LABELS) return 'OTHER';
    codes.add(code);
    return code;
  };
  const statusLabel = (status: number) =>
    Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : 'other';
  const registry = new Registry();
  const requests = new Counter({
    name: 'graphql_requests_total',
    help: 'HTTP requests by operation and status',
    labelNames: ['operation', 'status'],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'graphql_errors_total',
    help: 'Errors returned, by code',
    labelNames: ['code'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'Request duration by operation',
    labelNames: ['operation'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'cache_entries',
    help: 'Entries held by each bounded in-memory cache or table',
    labelNames: ['cache'],
    registers: [registry],
    collect() {
      for (const [cache, entries] of Object.entries(cacheEntries())) this.set({ cache }, entries);
    },
  });
  if (responseCacheLookups) countLookups(registry, responseCacheLookups);
  if (responseCacheBypassed)
    new Gauge({
      name: 'response_cache_bypassed',
      help: '1 while the response cache is passed by (with Redis: Redis away, or a write that has not moved the shared write generation yet), else 0',
      registers: [registry],
      collect() {
        this.set(responseCacheBypassed() ? 1 : 0);
      },
    });
  if (redis) watchRedis(registry, redis);
  new Gauge({
    name: 'webhook_endpoint_failing',
    help: 'Whether a webhook endpoint failed its last WEBHOOK_MAX_FAILURES deliveries in a row (1) or not (0)',
    labelNames: ['endpoint'],
    registers: [registry],
    collect() {
      for (const e of webhooks()) this.set({ endpoint: e.id }, e.failing ? 1 : 0);
    },
  });
  new Gauge({
    name: 'webhook_endpoint_consecutive_failures',
    help: 'Failed delivery attempts in a row, per webhook endpoint',
    labelNames: ['endpoint'],
    registers: [registry],
    collect() {
      for (const e of webhooks()) this.set({ endpoint: e.id }, e.consecutiveFailures);
    },
  });
  new Gauge({
    name: 'webhook_endpoint_delivered_cursor',
    help: 'The change-log cursor a webhook endpoint last acknowledged, as this replica knows it',
    labelNames: ['endpoint'],
    registers: [registry],
    collect() {
      for (const e of webhooks()) if (e.deliveredCursor !== null) this.set({ endpoint: e.id }, e.deliveredCursor);
    },
  });
  new Gauge({
    name: 'nodejs_heap_size_limit_bytes',
    help: "V8's heap limit (old space and young generation) as NODE_OPTIONS set it at start",
    registers: [registry],
    collect() {
      this.set(getHeapStatistics().heap_size_limit);
    },
  });
  let counted = 0;
  new Counter({
    name: 'store_round_trips_total',
    help: 'Round trips to the store',
    registers: [registry],
    collect() {
      this.inc(store.roundTrips - counted);
      counted = store.roundTrips;
    },
  });
  return {
    registry,
    observe({ operation, status, durationMs, errorCodes }) {
      requests.inc({ operation: operationLabel(operation), status: statusLabel(status) });
      latency.observe({ operation: operationLabel(operation) }, durationMs / 1000);
      for (const code of errorCodes) errors.inc({ code: codeLabel(code) });
    },
  };
}

function countLookups(registry: Registry, lookups: () => { hits: number; misses: number }) {
  const seen = { hits: 0, misses: 0 };
  new Counter({
    name: 'response_cache_lookups_total',
    help: 'Response cache lookups, by result (hit or miss)',
    labelNames: ['result'],
    registers: [registry],
    collect() {
      const now = lookups();
      this.inc({ result: 'hit' }, now.hits - seen.hits);
      this.inc({ result: 'miss' }, now.misses - seen.misses);
      Object.assign(seen, now);
    },
  });
}

function watchRedis(registry: Registry, redis: { up(): boolean; outages(): number }) {
  new Gauge({
    name: 'redis_up',
    help: '1 while Redis answers, 0 during an outage (state is then kept per process)',
    registers: [registry],
    collect() {
      this.set(redis.up() ? 1 : 0);
    },
  });
  let counted = 0;
  new Counter({
    name: 'redis_outages_total',
    help: 'Redis outages since start (a lost connection, or none at start)',
    registers: [registry],
    collect() {
      this.inc(redis.outages() - counted);
      counted = redis.outages();
    },
  });
}

/** Serves the registry at /metrics in the Prometheus text format. */
export function useMetricsEndpoint({ registry }: DramaMetrics): Plugin {
  return {
    onRequest: async ({ url, endResponse }) => {
      if (url.pathname !== '/metrics') return;
      endResponse(new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType } }));
    },
  };
}
