import { type ExecutionResult, getOperationAST } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { ClientOf } from '../auth/clients.js';
import type { ChangeEntry } from '../domain/change-log.js';
import { changeCursor } from '../reads/changes.js';
import { OpenStreams } from './open-streams.js';
import { errorResponse } from './refusals.js';

/** The cursor of the change each subscription delivered last, by its context, for the SSE event id. */
const lastCursor = new WeakMap<object, number>();

/** Called by the subscription's resolver with each change it delivers. */
export function deliveredChange(context: object, change: ChangeEntry): ChangeEntry {
  lastCursor.set(context, change.cursor);
  return change;
}

type Chunked = AsyncIterable<ExecutionResult & { extensions?: Record<string, unknown> }>;

/**
 * SSE for the changes subscription: each event carries the change's cursor in `extensions.cursor` and as
 * the SSE event id, so a client resumes with `after` or the Last-Event-ID header. Streams held open at once
 * are bounded in all (503) and per client, a verified token else an IP address (429), so idle subscribers
 * cannot take a replica's connections.
 */
export function useChangeFeedEvents(
  limits: { max: number; perClient: number } = { max: 1_000, perClient: 10 },
  clientOf?: ClientOf,
): Plugin {
  const streams = new OpenStreams(limits);
  return {
    onSubscribe: ({ args }) => {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'subscription') return;
      const context = args.contextValue as object;
      return {
        onSubscribeResult: () => ({
          onNext: ({ result, setResult }) => {
            const cursor = lastCursor.get(context);
            if (cursor === undefined || result.errors?.length) return;
            setResult({ ...result, extensions: { ...result.extensions, cursor: changeCursor(cursor) } });
          },
        }),
      };
    },
    onResultProcess: ({ request, result, setResultProcessor, serverContext }) => {
      if (!isAsyncIterable(result) || !acceptsEventStream(request.headers.get('accept'))) return;
      // Worked out where it is used, from the server context: plugins may hand on a new Request (the body limit does).
      const opened = streams.open(clientOf ? clientOf(request, serverContext) : 'local');
      if (opened === 'all' || opened === 'client') {
        void (result as Chunked)[Symbol.asyncIterator]().return?.();
        const refusal =
          opened === 'all'
            ? errorResponse(
                503,
                'SUBSCRIPTIONS_EXHAUSTED',
                `This replica holds its most event streams (${limits.max}); try again later or another replica.`,
                { 'retry-after': '5' },
              )
            : errorResponse(
                429,
                'SUBSCRIPTION_LIMIT_REACHED',
                `At most ${limits.perClient} event streams per client at once; close one first.`,
                { 'retry-after': '5' },
              );
        setResultProcessor(() => refusal, 'application/json');
        return;
      }
      setResultProcessor(
        (input, fetchAPI) => sseWithIds(input as Chunked, fetchAPI, opened.release),
        'text/event-stream',
      );
    },
  };
}

const PING_MS = 12_000;

/** Whether the Accept header takes text/event-stream (as Yoga matches it: exactly, text/*, or *\/*). */
const acceptsEventStream = (accept: string | null): boolean =>
  (accept ?? '*/*')
    .split(',')
    .map((part) => part.split(';')[0]!.trim().toLowerCase())
    .some((type) => type === 'text/event-stream' || type === 'text/*' || type === '*/*');

function sseWithIds(
  result: Chunked,
  fetchAPI: { ReadableStream: typeof ReadableStream; Response: typeof Response },
  release: () => void,
) {
  const encoder = new TextEncoder();
  const iterator = result[Symbol.asyncIterator]();
  let ping: NodeJS.Timeout | undefined;
  const stream = new fetchAPI.ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(':\n\n'));
      ping = setInterval(() => {
        if (controller.desiredSize === null) clearInterval(ping);
        else if (controller.desiredSize > 0) controller.enqueue(encoder.encode(':\n\n'));
      }, PING_MS);
    },
    async pull(controller) {
      try {
        const { done, value } = await iterator.next();
        if (value != null) {
          const cursor = value.extensions?.cursor;
          if (typeof cursor === 'string') controller.enqueue(encoder.encode(`id: ${cursor}\n`));
          controller.enqueue(encoder.encode(`event: next\ndata: ${JSON.stringify(value)}\n\n`));
        }
        if (done) {
          controller.enqueue(encoder.encode('event: complete\ndata:\n\n'));
          clearInterval(ping);
          release();
          controller.close();
        }
      } catch (error) {
        clearInterval(ping);
        release();
        controller.error(error);
      }
    },
    async cancel() {
      clearInterval(ping);
      release();
      await iterator.return?.();
    },
  });
  return new fetchAPI.Response(stream, {
    status: 200,
    headers: {
      'Content-Type': 'text/event-stream',
      Connection: 'keep-alive',
      'Cache-Control': 'no-cache',
      'Content-Encoding': 'none',
    },
  });
}
