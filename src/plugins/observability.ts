import { randomUUID } from 'node:crypto';
import { type ExecutionResult, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../logger.js';
import type { DramaMetrics } from '../metrics.js';
import { refusalCodeOf } from './refusals.js';

interface Trace {
  id: string;
  startedAt: number;
  operationName: string | null;
  errorCodes: string[];
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;
const MAX_LOGGED_NAME = 128;

/** Clients send anything as operationName; only a string is a name (Yoga refuses the rest with 400). */
const operationNameOf = (value: unknown): string | null =>
  typeof value === 'string' ? value.slice(0, MAX_LOGGED_NAME) : null;

function errorCodesOf(result: ExecutionResult): string[] {
  return (result.errors ?? []).map((error) => String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
}

const REFUSALS: Record<number, string> = { 401: 'UNAUTHENTICATED', 413: 'PAYLOAD_TOO_LARGE', 429: 'RATE_LIMITED' };
const refusalCodes = (response: Response) => {
  const code = refusalCodeOf(response) ?? REFUSALS[response.status];
  return code ? [code] : [];
};

/**
 * One JSON log line and one set of metrics per request: request id (x-request-id when the client sends a
 * sane one), operation name, status, duration and error codes. Headers and variables are never logged.
 */
export function useObservability(logger: Logger, metrics: DramaMetrics): Plugin {
  // By request, and by server context too: the body limit may swap the request for a buffered copy.
  const traces = new WeakMap<object, Trace>();
  return {
    onRequest: ({ request, serverContext }) => {
      const incoming = request.headers.get('x-request-id');
      const id = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      const trace = { id, startedAt: performance.now(), operationName: null, errorCodes: [] };
      traces.set(request, trace);
      traces.set(serverContext, trace);
    },
    onParams: ({ request, params, context }) => {
      const trace = traces.get(request) ?? traces.get(context);
      if (!trace) return;
      traces.set(request, trace);
      trace.operationName = operationNameOf(params.operationName);
    },
    onExecute: ({ args }) => {
      const trace = traces.get(args.contextValue.request);
      const operation = getOperationAST(args.document, args.operationName);
      if (trace && operation?.name) trace.operationName = operationNameOf(operation.name.value);
    },
    onResultProcess: ({ request, result }) => {
      const trace = traces.get(request);
      const results = Array.isArray(result) ? result : [result];
      for (const each of results)
        if (trace && !(Symbol.asyncIterator in each)) trace.errorCodes.push(...errorCodesOf(each));
    },
    onResponse: ({ request, response, serverContext }) => {
      const trace = traces.get(request) ?? traces.get(serverContext);
      const url = new URL(request.url);
      if (!trace || url.pathname === '/metrics') return;
      response.headers.set('x-request-id', trace.id);
      const durationMs = Math.round((performance.now() - trace.startedAt) * 10) / 10;
      const errorCodes = trace.errorCodes.length > 0 ? trace.errorCodes : refusalCodes(response);
      metrics.observe({ operation: trace.operationName, status: response.status, durationMs, errorCodes });
      logger.info(
        {
          requestId: trace.id,
          method: request.method,
          path: url.pathname,
          operationName: trace.operationName,
          status: response.status,
          durationMs,
          errorCodes,
        },
        'request',
      );
    },
  };
}
