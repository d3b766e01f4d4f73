import { Counter, Histogram, Registry } from 'prom-client';
import type { Plugin } from 'graphql-yoga';
import type { DramaStore } from './store/port.js';

export interface Observation {
  operation: string | null;
  status: number;
  durationMs: number;
  errorCodes: string[];
}

export interface DramaMetrics {
  registry: Registry;
  observe(observation: Observation): void;
}

const operationLabel = (name: string | null) => (name ?? 'anonymous').slice(0, 64);

/** Prometheus metrics of one service instance, in a registry of its own. */
export function createMetrics(store: DramaStore): DramaMetrics {
  const registry = new Registry();
  const requests = new Counter({ name: 'graphql_requests_total', help: 'HTTP requests by operation and status', labelNames: ['operation', 'status'], registers: [registry] });
  const errors = new Counter({ name: 'graphql_errors_total', help: 'Errors returned, by code', labelNames: ['code'], registers: [registry] });
  const latency = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'Request duration by operation',
    labelNames: ['operation'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
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
      requests.inc({ operation: operationLabel(operation), status: String(status) });
      latency.observe({ operation: operationLabel(operation) }, durationMs / 1000);
      for (const code of errorCodes) errors.inc({ code });
    },
  };
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
