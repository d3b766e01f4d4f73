import { createHash } from 'node:crypto';
import { type DocumentNode, type ExecutionResult, getOperationAST, Kind, type SelectionSetNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { ClientOf } from '../auth/clients.js';
import { type CacheBounds, inProcessSettings } from '../config/settings.js';
import { WATCHED_THROUGH_HEADER } from '../spoilers/progress.js';
import { offerPlace } from './admission.js';
import { sentCompressed, weakened } from './compression.js';
import { matchesIfNoneMatch, varyOn } from './conditional.js';

/**
 * An answer as a cache keeps it: the JSON text sent, and its headers: `ETag` (SHA-256 of the text, so a tag is
 * never given to another text, whatever restarted) and `Last-Modified`. A hit sends the text as it is.
 */
export interface CachedAnswer {
  body: string;
  headers: { ETag: string; 'Last-Modified': string };
}

/** Where answers are kept: in memory, or in Redis (src/redis/response-cache.ts). */
export interface Cache {
  get(responseId: string): CachedAnswer | null | undefined | Promise<CachedAnswer | null | undefined>;
  set(responseId: string, answer: CachedAnswer, ttl: number): void | Promise<void>;
  /** Forgets every answer: a write may change any of them. */
  invalidate(): void | Promise<void>;
}

export type ResponseCacheBounds = Pick<CacheBounds, 'responses' | 'responseChars' | 'responsesTotalChars'>;

/** The public-read response cache; every successful write calls `clear`. */
export interface DramaResponseCache {
  cache: Cache;
  /** Forgets every response, and keys later reads apart from any read still running (so it cannot store a stale answer). */
  clear(): void | Promise<void>;
  /** How many times it was cleared (in Redis: the shared write generation): part of every key. */
  generation(): number;
  /** How many responses it holds now (0 when they are held in Redis). */
  size(): number;
  /** Lookups that found a response, and that did not, since start. */
  lookups(): ResponseCacheLookups;
  /** Whether it is passed by for now (every lookup misses, nothing is kept): in Redis, while it cannot be trusted. */
  bypassed(): boolean;
}

export interface ResponseCacheLookups {
  hits: number;
  misses: number;
}

/** Counts the hits and misses of a cache's lookups. */
export function countingLookups(cache: Cache): { cache: Cache; lookups: () => ResponseCacheLookups } {
  const counted = { hits: 0, misses: 0 };
  const count = <T>(found: T): T => {
    if (found) counted.hits += 1;
    else counted.misses += 1;
    return found;
  };
  const get: Cache['get'] = (responseId) => {
    const found = cache.get(responseId);
    return found instanceof Promise ? found.then(count) : count(found);
  };
  return { cache: { ...cache, get }, lookups: () => ({ ...counted }) };
}

/**
 * In memory, bounded in entries and in characters of JSON (an LRU). Each answer is kept as the text sent, so the
 * bound in characters bounds its heap too (an answer kept as objects took several times its text), and a hit
 * sends that text without parsing or serialising it again. A write may change any answer, an empty one included,
 * so invalidation forgets every answer.
 */
export function createDramaResponseCache(bounds: ResponseCacheBounds = inProcessSettings().caches): DramaResponseCache {
  const responses = new LRUCache<string, CachedAnswer>({
    max: Math.max(1, bounds.responses),
    maxSize: Math.max(1, bounds.responsesTotalChars),
    maxEntrySize: Math.max(1, Math.min(bounds.responseChars, bounds.responsesTotalChars)),
    sizeCalculation: (answer) => Math.max(1, answer.body.length),
  });
  let generation = 0;
  const clear = () => {
    generation += 1;
    responses.clear();
  };
  const { cache, lookups } = countingLookups({
    set: (responseId, answer, ttl) => void responses.set(responseId, answer, { ttl }),
    get: (responseId) => responses.get(responseId) ?? null,
    invalidate: () => clear(),
  });
  return { cache, size: () => responses.size, clear, generation: () => generation, lookups, bypassed: () => false };
}

/**
 * The result that sends `answer`: Yoga serialises a result with its `stringify` when it has one, so the kept text
 * goes out as it is; `data` is parsed only if a plugin reads it (an APQ registration does).
 */
function resultOf(answer: CachedAnswer): ExecutionResult {
  let data: ExecutionResult['data'];
  let parsed = false;
  const result: ExecutionResult = {};
  Object.defineProperty(result, 'data', {
    enumerable: true,
    get: () => {
      if (!parsed) data = (JSON.parse(answer.body) as ExecutionResult).data;
      parsed = true;
      return data;
    },
  });
  sendsAs(result, answer.body);
  return result;
}

/** Makes Yoga send `body` for `result` (and serialise any other value it is handed itself). */
function sendsAs(result: ExecutionResult, body: string): void {
  if (!Object.isExtensible(result)) return;
  Object.defineProperty(result, 'stringify', {
    value: (value: unknown) => (value === result ? body : JSON.stringify(value)),
    configurable: true,
  });
}

/** An error-free result without extensions (so sent as its JSON text) as a cache keeps it, tagged by its text. */
function answerOf(result: ExecutionResult): CachedAnswer {
  const body = JSON.stringify(result);
  return { body, headers: { ETag: textTag(body), 'Last-Modified': new Date().toUTCString() } };
}

/** An answer's entity tag: SHA-256 in hex of its text. */
export const textTag = (body: string): string => createHash('sha256').update(body).digest('hex');

/**
 * Answers that no cache keeps, here or over HTTP: the change log moves on every write (another process's
 * import included); webhook delivery moves without one and is for admin tokens only; introspection is large and cheap to answer.
 */
const NEVER_CACHED = ['Query.changes', 'Query.webhookEndpoints', 'Query.__schema'] as const;

type QueryCaching = 'not a query' | 'cacheable' | 'never cached';

const cachingDecided = new WeakMap<DocumentNode, Map<string, QueryCaching>>();

/** Whether the operation is a query, and whether it asks a NEVER_CACHED field at its root or in a root fragment; once per document and name. */
function queryCaching(document: DocumentNode, operationName: string | null | undefined): QueryCaching {
  const byName = cachingDecided.get(document) ?? new Map<string, QueryCaching>();
  cachingDecided.set(document, byName);
  const decided = byName.get(operationName ?? '');
  if (decided !== undefined) return decided;
  const operation = getOperationAST(document, operationName);
  let caching: QueryCaching = 'not a query';
  if (operation?.operation === 'query') {
    const fragments = new Map(
      document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
    );
    const seen = new Set<string>();
    const fields = (set: SelectionSetNode): boolean =>
      set.selections.some((selection) => {
        if (selection.kind === Kind.FIELD) return NEVER_CACHED.includes(`Query.${selection.name.value}` as never);
        if (selection.kind === Kind.INLINE_FRAGMENT) return fields(selection.selectionSet);
        if (seen.has(selection.name.value)) return false;
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        return fragment !== undefined && fields(fragment.selectionSet);
      });
    caching = fields(operation.selectionSet) ? 'never cached' : 'cacheable';
  }
  byName.set(operationName ?? '', caching);
  return caching;
}

/** Whether the operation asks a field that no cache may keep (see NEVER_CACHED), at its root or in a root fragment. */
export const selectsNeverCached = (document: DocumentNode, operationName: string | null | undefined): boolean =>
  queryCaching(document, operationName) === 'never cached';

/**
 * Watches the store's data version, which moves with every committed write whatever process made it, and
 * calls `moved` when it did: writes of other processes (`npm run import`, a replica without Redis) then
 * clear the response cache as this process's own do, within one `check` (run every CHANGE_FEED_POLL_MS).
 * A version that cannot be read (the store away) is checked again next time.
 */
export function watchDataVersion(
  store: { dataVersion(): Promise<string> },
  moved: () => void | Promise<void>,
): { check(): Promise<boolean> } {
  let last: string | null = null;
  let running: Promise<boolean> | null = null;
  const check = async (): Promise<boolean> => {
    let version: string;
    try {
      version = await store.dataVersion();
    } catch {
      return false;
    }
    const changed = last !== null && version !== last;
    last = version;
    if (changed) await moved();
    return changed;
  };
  return {
    check: () => {
      running ??= check().finally(() => {
        running = null;
      });
      return running;
    },
  };
}

/**
 * Caches results for everyone alike (no cached read depends on the token; NEVER_CACHED fields are never
 * cached). The key holds the document, the operation name, the variables (so @watchedThrough),
 * the X-Watched-Through header (spoiler progress never crosses viewers) and the cache's generation (a read begun before a write never answers one begun after).
 * Off until `ready` (the store bootstrapped), and a result with any error (a store outage) is never kept.
 */
export function useDramaResponseCache(
  handle: DramaResponseCache,
  ttl: number,
  ready: () => boolean = () => true,
  clientOf?: ClientOf,
): Plugin {
  const conditions = new WeakMap<Request, string>();
  const headersOf = new WeakMap<Request, CachedAnswer['headers']>();
  return {
    onPluginInit: ({ addPlugin }) => addPlugin(responseCachePlugin(handle, ttl, ready, clientOf, headersOf)),
    // The cache plugin would answer 304 to any request naming any cached ETag, whatever it asks and whatever
    // its progress; the condition is set aside here and checked against this request's own answer instead.
    onRequest: ({ request }) => {
      const condition = request.headers.get('if-none-match');
      if (condition === null) return;
      request.headers.delete('if-none-match');
      if (CONDITIONAL_METHODS.has(request.method.toUpperCase())) conditions.set(request, condition);
    },
    onResponse: ({ request, response, setResponse, fetchAPI }) => {
      for (const [name, value] of Object.entries(headersOf.get(request) ?? {})) response.headers.set(name, value);
      const raw = response.headers.get('etag');
      if (raw === null) return;
      // The key is sent bare; an entity tag is a quoted string (RFC 9110 §8.8.3). The same answer as an event
      // stream or multipart is another representation, so it gets a tag of its own.
      const etag = /^(W\/)?"/.test(raw) ? raw : `"${raw}${formatSuffix(response.headers.get('content-type'))}"`;
      response.headers.set('etag', etag);
      // A GraphQL answer depends on progress and format; the widget's script and a JSON-LD document say their own.
      if (new URL(request.url).pathname === '/graphql')
        for (const header of ['X-Watched-Through', 'Accept']) varyOn(response.headers, header);
      if (!response.headers.has('cache-control')) response.headers.set('cache-control', 'no-cache');
      if (response.status !== 200 || !matchesIfNoneMatch(conditions.get(request) ?? null, etag)) return;
      const headers = new fetchAPI.Headers(response.headers);
      if (sentCompressed(request, response)) headers.set('etag', weakened(etag));
      for (const name of ['content-type', 'content-length', 'content-encoding']) headers.delete(name);
      void response.body?.cancel().catch(() => undefined);
      setResponse(new fetchAPI.Response(null, { status: 304, headers }));
    },
  };
}

/** '' for JSON (the default answer), else the media type in tag characters, as `.text-event-stream`. */
function formatSuffix(contentType: string | null): string {
  const media = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  return media === '' || media === 'application/json' ? '' : `.${media.replace(/[^a-z0-9]+/g, '-')}`;
}

/** Only a safe method's answer may be revalidated (RFC 9110 §13.1.2). */
const CONDITIONAL_METHODS = new Set(['GET', 'HEAD']);

/**
 * Looks an answer up before parsing (a hit skips parse, validation, cost and execution) and keeps a query's
 * answer without errors as the JSON text sent, with its ETag and Last-Modified; a hit sends that text as it is.
 * A request whose key is being answered already (the
 * same document, variables, progress and cache generation, so no write came between them) waits for that
 * answer instead of executing again: a burst of one uncached query runs it once. Written for this service rather
 * than taken from @envelop/response-cache: that one adds `__typename` to every selection set and walks and copies
 * every answer to take it out again, a third of the CPU under a burst of large reads, for entity-level
 * invalidation that a service where every write forgets every answer does not use.
 */
function responseCachePlugin(
  handle: DramaResponseCache,
  ttl: number,
  ready: () => boolean,
  clientOf: ClientOf | undefined,
  headersOf: WeakMap<Request, CachedAnswer['headers']>,
): Plugin {
  const keys = new WeakMap<Request, string>();
  /** The answer each request got from the cache, from another request or by executing, with its result. */
  const answered = new WeakMap<Request, { result: ExecutionResult; answer: CachedAnswer }>();
  /**
   * The answers being made, by key, with how many wait for each and the request making it: the answer to share,
   * or null (each runs its own).
   */
  const answering = new Map<string, { answer: Promise<CachedAnswer | null>; waiting: number; request: Request }>();
  /** Ends a request's turn as the one answering its key (idempotent); `answer` null: nothing to share. */
  const sharers = new WeakMap<Request, (answer: CachedAnswer | null) => void>();
  const share = (request: Request | undefined, answer: CachedAnswer | null) => {
    if (request === undefined) return;
    sharers.get(request)?.(answer);
    sharers.delete(request);
  };
  const answerFor = (key: string, request: Request) => {
    let settle!: (answer: CachedAnswer | null) => void;
    const shared = {
      answer: new Promise<CachedAnswer | null>((resolve) => {
        settle = resolve;
      }),
      waiting: 0,
      request,
    };
    answering.set(key, shared);
    const end = (answer: CachedAnswer | null) => {
      if (answering.get(key) === shared) answering.delete(key);
      request.signal.removeEventListener('abort', gone);
      settle(answer);
    };
    // A client that left may never see its request executed: the others then run their own.
    const gone = () => share(request, null);
    request.signal.addEventListener('abort', gone, { once: true });
    sharers.set(request, end);
  };
  const answerWith = (request: Request, answer: CachedAnswer, setResult: (result: ExecutionResult) => void) => {
    const result = resultOf(answer);
    answered.set(request, { result, answer });
    setResult(result);
  };
  return {
    onParams: ({ params, request, setResult, context }) => {
      if (!ready()) return;
      const key = responseKey([
        handle.generation(),
        params.query ?? '',
        params.operationName ?? null,
        params.variables ?? {},
        request.headers.get(WATCHED_THROUGH_HEADER),
      ]);
      keys.set(request, key);
      const answer = async (cached: CachedAnswer | null | undefined) => {
        if (cached) return answerWith(request, cached, setResult);
        const shared = answering.get(key);
        if (shared === undefined) return answerFor(key, request);
        shared.waiting += 1;
        // Waiting for another client's request, this one waits no longer than it would for a place of its own.
        if (clientOf !== undefined) offerPlace(shared.request, clientOf(request, context));
        const made = await shared.answer;
        if (made !== null) answerWith(request, made, setResult);
      };
      const found = handle.cache.get(key);
      return found instanceof Promise ? found.then(answer) : answer(found);
    },
    onExecute: ({ args }) => {
      const request = (args.contextValue as { request?: Request } | undefined)?.request;
      const key = request && keys.get(request);
      if (request === undefined || key === undefined) return;
      if (queryCaching(args.document, args.operationName) !== 'cacheable') return share(request, null);
      return {
        onExecuteDone: ({ result }) => {
          // A key is only made once the store is ready, so the answer may be kept unless it failed.
          if (Symbol.asyncIterator in result || result.errors?.length) return share(request, null);
          // Extensions would be sent apart from the text (Yoga sends extensions.http as headers): none is kept.
          if (Object.keys(result.extensions ?? {}).length > 0) return share(request, null);
          const answer = answerOf(result);
          sendsAs(result, answer.body);
          answered.set(request, { result, answer });
          share(request, answer);
          void Promise.resolve(handle.cache.set(key, answer, ttl)).catch(() => undefined);
        },
      };
    },
    // The answer's headers go out only with the answer itself, not with what a later hook put in its place.
    onResultProcess: ({ request, result }) => {
      const made = answered.get(request);
      if (made !== undefined && made.result === result) headersOf.set(request, made.answer.headers);
    },
    // Refused before executing (a parse or validation error, a limit), or answered otherwise: the others run their own.
    onResponse: ({ request }) => share(request, null),
  };
}

/** The cache key: SHA-256 in hex of the key's parts as JSON. */
const responseKey = (parts: unknown[]): string => createHash('sha256').update(JSON.stringify(parts)).digest('hex');
