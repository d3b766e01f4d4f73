import path from 'node:path';
import { z } from 'zod';
import { MOST_PROXY_HOPS } from '../auth/clients.js';
import { PACKAGE_ROOT } from '../package-root.js';
import type { ApqBounds } from '../plugins/apq-store.js';
import type { ExecutionBudget } from '../plugins/budget.js';

/** Node's timers take at most this many milliseconds; past it they fire at once. */
const LONGEST_TIMER_MS = 2_147_483_647;
/** Digits only (no sign, exponent, hex or fraction), from `min` to `max`; unset or blank: the default. */
export const count = (fallback: number, max = Number.MAX_SAFE_INTEGER, min = 0) =>
  z.preprocess(
    (value) => (value === '' ? undefined : value),
    z
      .string()
      .regex(/^\d+$/, 'must be a whole number of digits, like 1000')
      .transform(Number)
      .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
      .default(fallback),
  );
/** A bound where 0 would refuse every operation: 1 or more. */
const positive = (fallback: number) => count(fallback, Number.MAX_SAFE_INTEGER, 1);
/** A duration for a timer, in milliseconds, from `min`. */
const milliseconds = (fallback: number, min = 0) => count(fallback, LONGEST_TIMER_MS, min);
const flag = z
  .enum(['true', 'false'])
  .optional()
  .transform((value) => (value === undefined ? undefined : value === 'true'));
const list = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

/** scheme://authority with at most a trailing slash, and nothing a URL parser would drop or resolve away. */
const BARE_ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#@\\\s*;,|"'<>]+\/?$/i;

/** An origin as a browser sends it in `Origin` (scheme, host, port), from an entry of CORS_ORIGINS; null if it is none. */
function originOf(entry: string): string | null {
  if (!BARE_ORIGIN.test(entry) || !URL.canParse(entry)) return null;
  const url = new URL(entry);
  const bare = url.username === '' && url.password === '' && url.pathname === '/' && !url.search && !url.hash;
  if (!bare || (url.protocol !== 'https:' && url.protocol !== 'http:')) return null;
  return url.origin;
}
const origins = list.pipe(
  z.array(z.string()).transform((entries, ctx) =>
    entries.map((entry) => {
      const origin = originOf(entry);
      if (origin === null)
        ctx.addIssue({
          code: 'custom',
          message: `${JSON.stringify(entry.slice(0, 100))} is not an origin: give each as a browser sends it, scheme://host[:port] with no path (https://wiki.example); "*" is not taken`,
        });
      return origin ?? '';
    }),
  ),
);

const opsSchema = z.object({
  NODE_ENV: z.string().optional(),
  MAX_DEPTH: positive(10),
  MAX_ALIASES: count(15),
  MAX_TOKENS: positive(1000),
  MAX_COST: positive(50_000),
  MAX_BODY_BYTES: count(100_000),
  EXECUTION_MAX_OBJECTS: positive(50_000),
  EXECUTION_MAX_BYTES: positive(2_000_000),
  EXECUTION_TIMEOUT_MS: milliseconds(10_000, 1),
  OPERATIONS_MAX: count(16),
  OPERATIONS_QUEUE_MAX: count(256),
  RATE_LIMIT_MAX: count(600),
  RATE_LIMIT_WINDOW_MS: milliseconds(60_000, 1),
  RATE_LIMIT_MAX_CLIENTS: count(50_000),
  TRUST_PROXY_HOPS: count(0, MOST_PROXY_HOPS),
  SUBSCRIPTIONS_MAX: count(1_000),
  SUBSCRIPTIONS_MAX_PER_CLIENT: count(10),
  MAX_INPUT_DEPTH: count(32),
  DOCUMENT_CACHE_MAX: count(1_000),
  DOCUMENT_CACHE_MAX_CHARS: count(10_000_000),
  DOCUMENT_CACHE_MAX_TOKENS: count(100_000),
  RESPONSE_CACHE_MAX_ENTRIES: count(1_000),
  RESPONSE_CACHE_MAX_ENTRY_CHARS: count(1_000_000),
  RESPONSE_CACHE_MAX_CHARS: count(32_000_000),
  PERSISTED_OPERATIONS: z.enum(['allowed', 'only-for-anonymous']).default('allowed'),
  PERSISTED_OPERATIONS_FILE: z.string().optional(),
  RESPONSE_CACHE_TTL_MS: milliseconds(60_000),
  PERSISTED_MAX_AGE_S: count(60),
  APQ_MAX_ENTRIES: count(1_000),
  APQ_MAX_CHARS: count(10_000_000),
  APQ_TTL_S: count(86_400),
  CORS_ORIGINS: origins,
  INTROSPECTION: flag,
  GRAPHIQL: flag,
  SHUTDOWN_TIMEOUT_MS: milliseconds(10_000),
  GRAPHQL_EXECUTOR: z.enum(['jit', 'graphql-js']).default('jit'),
  JIT_MAX_TOKENS: count(10_000),
  PLANNER: z.enum(['on', 'off']).default('on'),
  WARM_RECOMMENDATIONS: flag,
  EXPORT_ACCESS: z.enum(['anyone', 'token']).default('anyone'),
  EXPORTS_MAX: count(4),
  EXPORTS_MAX_PER_CLIENT: count(2),
  EXPORT_IDLE_TIMEOUT_MS: milliseconds(60_000),
});

export interface CacheBounds {
  /** Parsed documents (Yoga's parse cache, and through it the validation and graphql-jit caches), and parse errors. */
  documents: number;
  /** The sum of the cached documents' lengths, in characters. */
  documentChars: number;
  /** The sum of the cached documents' lexical tokens, which is what their parsed form's heap grows with. */
  documentTokens: number;
  /** Cached responses. */
  responses: number;
  /** A response whose JSON is longer than this many characters is not cached. */
  responseChars: number;
  /** All cached responses' JSON, in characters; the least recently used go first. */
  responsesTotalChars: number;
}

type PersistedMode = 'allowed' | 'only-for-anonymous';
/** 'jit' compiles each document once (graphql-jit) and runs the compiled code; 'graphql-js' interprets it every time. */
export type ExecutorName = 'jit' | 'graphql-js';
/** 'on' reads each covered root field of a query in one store request (see reads/planner); 'off' leaves every field to the loaders. */
export type PlannerMode = 'on' | 'off';

export interface OpsSettings {
  production: boolean;
  limits: { depth: number; aliases: number; tokens: number; cost: number; bodyBytes: number };
  /** What one operation may spend while it runs; over any of them it stops with EXECUTION_BUDGET_EXCEEDED. */
  budget: ExecutionBudget;
  /** Queries and mutations executing at once in this process (0: no bound), and how many may wait for a place. */
  operations: { max: number; queueMax: number };
  /** Requests per client per window; 0 turns the limit off. `maxClients` bounds the table of clients (least recent go first). */
  rateLimit: { max: number; windowMs: number; maxClients?: number };
  /** Proxies of the operator's in front of the service, each appending to X-Forwarded-For (0: clients connect directly). */
  proxyHops: number;
  /** Server-Sent Event streams (subscriptions) open at once in this process, and per client; over them, 503/429. */
  subscriptions: { max: number; perClient: number };
  /** How deep `variables` and `extensions` may nest (objects and lists), checked before anything walks them. */
  inputDepth: number;
  /** Bounds of the in-memory caches keyed by client input. */
  caches: CacheBounds;
  persisted: { mode: PersistedMode; file: string; maxAgeSeconds: number };
  /** Automatic persisted queries registered by clients (Apollo's protocol), kept in this process. */
  apq: ApqBounds;
  /** 0 turns the response cache off. */
  responseCacheTtlMs: number;
  corsOrigins: string[];
  introspection: boolean;
  graphiql: boolean;
  shutdownTimeoutMs: number;
  executor: ExecutorName;
  /** With 'jit': the tokens of the documents compiled at once, at most (see compiledDocuments). */
  jitMaxTokens: number;
  planner: PlannerMode;
  /** Build the recommendation profiles in the background as the service starts, so no request waits for them. */
  warmRecommendations: boolean;
  /** Who may GET /export/series/{slug}: anyone, or only bearer tokens with the `export` scope (or `admin`). */
  exportAccess: 'anyone' | 'token';
  /** GET /export/series/{slug} responses streamed at once in this process, and per client (over them, 503/429); a client that takes nothing for `idleMs` is cut off. */
  /** `slow`: which export gives its place when all are taken (export-series.ts; tests only, no setting). */
  exports: { max: number; perClient: number; idleMs: number; slow?: { windowMs: number; bytesPerSecond: number } };
}

export const PERSISTED_OPERATIONS_FILE = path.join(PACKAGE_ROOT, 'persisted-operations.json');

/**
 * A warning for a NODE_ENV that is set but is none of the names Node tools know (`prod`, `Production`): such a
 * service is not in production mode, so introspection and GraphiQL are on unless INTROSPECTION/GRAPHIQL say no.
 */
export function nodeEnvWarning(nodeEnv: string | undefined, ops: Pick<OpsSettings, 'introspection' | 'graphiql'>) {
  if (nodeEnv === undefined || nodeEnv === '' || ['production', 'development', 'test'].includes(nodeEnv)) return null;
  if (!ops.introspection && !ops.graphiql) return null;
  return `NODE_ENV is ${JSON.stringify(nodeEnv.slice(0, 40))}, not "production": introspection and GraphiQL are on (set NODE_ENV=production, or INTROSPECTION=false and GRAPHIQL=false)`;
}

/** Reads the operational settings (limits, rate limit, cache, CORS, production mode) from the environment. */
export function parseOpsSettings(env: NodeJS.ProcessEnv): z.ZodSafeParseResult<OpsSettings> {
  return opsSchema
    .transform((e): OpsSettings => {
      const production = e.NODE_ENV === 'production';
      return {
        production,
        limits: {
          depth: e.MAX_DEPTH,
          aliases: e.MAX_ALIASES,
          tokens: e.MAX_TOKENS,
          cost: e.MAX_COST,
          bodyBytes: e.MAX_BODY_BYTES,
        },
        budget: { objects: e.EXECUTION_MAX_OBJECTS, bytes: e.EXECUTION_MAX_BYTES, timeMs: e.EXECUTION_TIMEOUT_MS },
        operations: { max: e.OPERATIONS_MAX, queueMax: e.OPERATIONS_QUEUE_MAX },
        rateLimit: { max: e.RATE_LIMIT_MAX, windowMs: e.RATE_LIMIT_WINDOW_MS, maxClients: e.RATE_LIMIT_MAX_CLIENTS },
        proxyHops: e.TRUST_PROXY_HOPS,
        subscriptions: { max: e.SUBSCRIPTIONS_MAX, perClient: e.SUBSCRIPTIONS_MAX_PER_CLIENT },
        inputDepth: e.MAX_INPUT_DEPTH,
        caches: {
          documents: e.DOCUMENT_CACHE_MAX,
          documentChars: e.DOCUMENT_CACHE_MAX_CHARS,
          documentTokens: e.DOCUMENT_CACHE_MAX_TOKENS,
          responses: e.RESPONSE_CACHE_MAX_ENTRIES,
          responseChars: e.RESPONSE_CACHE_MAX_ENTRY_CHARS,
          responsesTotalChars: e.RESPONSE_CACHE_MAX_CHARS,
        },
        persisted: {
          mode: e.PERSISTED_OPERATIONS,
          file: e.PERSISTED_OPERATIONS_FILE ? path.resolve(e.PERSISTED_OPERATIONS_FILE) : PERSISTED_OPERATIONS_FILE,
          maxAgeSeconds: e.PERSISTED_MAX_AGE_S,
        },
        apq: { entries: e.APQ_MAX_ENTRIES, chars: e.APQ_MAX_CHARS, ttlSeconds: e.APQ_TTL_S },
        responseCacheTtlMs: e.RESPONSE_CACHE_TTL_MS,
        corsOrigins: e.CORS_ORIGINS,
        introspection: e.INTROSPECTION ?? !production,
        graphiql: e.GRAPHIQL ?? !production,
        shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
        executor: e.GRAPHQL_EXECUTOR,
        jitMaxTokens: e.JIT_MAX_TOKENS,
        planner: e.PLANNER,
        warmRecommendations: e.WARM_RECOMMENDATIONS ?? true,
        exportAccess: e.EXPORT_ACCESS,
        exports: { max: e.EXPORTS_MAX, perClient: e.EXPORTS_MAX_PER_CLIENT, idleMs: e.EXPORT_IDLE_TIMEOUT_MS },
      };
    })
    .safeParse(env);
}

/** In-process defaults (tests, scripts): the environment's defaults, without a rate limit, a response cache or a warm-up. */
export function inProcessSettings(overrides: Partial<OpsSettings> = {}): OpsSettings {
  const parsed = parseOpsSettings({});
  if (!parsed.success) throw new Error('unreachable: the defaults parse');
  return {
    ...parsed.data,
    rateLimit: { max: 0, windowMs: 60_000 },
    responseCacheTtlMs: 0,
    warmRecommendations: false,
    // In process (tests, scripts), how long an operation runs depends on the machine, so time is not budgeted.
    budget: { ...parsed.data.budget, timeMs: 600_000 },
    ...overrides,
  };
}
