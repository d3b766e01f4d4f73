import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { type ConfiguredToken, loadTokens } from '../auth/token-config.js';
import { loadWebhooks, type WebhookEndpoint } from '../feed/webhooks/config.js';
import type { WebhookSettings } from '../feed/webhooks/dispatcher.js';
import { redisUrlProblem } from '../redis/connection.js';
import { loadPersistedOperations } from './persisted-operations.js';
import { count, type OpsSettings, parseOpsSettings } from './settings.js';

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

/** A port in digits without leading zeros, 0 to 65535 (`1e4`, `0x2710`, `+80` and `04000` are refused). */
const portNumber = z
  .string()
  .regex(/^(0|[1-9]\d{0,4})$/, 'must be a port number of digits, 0 to 65535, without leading zeros')
  .transform(Number)
  .refine((port) => port <= 65535, 'must be a port number of digits, 0 to 65535, without leading zeros');

/** MAX_CONNECTIONS: digits without leading zeros, 1 to 1,000,000. */
const connectionCount = z
  .string()
  .regex(/^[1-9]\d{0,6}$/, 'must be a whole number of digits, 1 to 1000000')
  .transform(Number)
  .refine((count) => count <= 1_000_000, 'must be a whole number of digits, 1 to 1000000');

/** HEAP_GROWING_PERCENT: digits without leading zeros, 0 to 1000. */
const growingPercent = z
  .string()
  .regex(/^(0|[1-9]\d{0,3})$/, 'must be a whole number of digits, 0 to 1000, without leading zeros')
  .transform(Number)
  .refine((percent) => percent <= 1_000, 'must be a whole number of digits, 0 to 1000, without leading zeros');

/** Open files kept back from MAX_CONNECTIONS for the store's files, Neo4j's and Redis's connections and the logs. */
export const OPEN_FILES_KEPT = 256;
const DEFAULT_MAX_CONNECTIONS = 10_000;

/** The soft limit on open files (`ulimit -n`) from /proc/self/limits; null where that cannot be read. */
function openFilesLimit(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    return soft !== undefined && /^\d+$/.test(soft) ? Number(soft) : null;
  } catch {
    return null;
  }
}

const NEO4J_SCHEMES = ['neo4j', 'neo4j+s', 'neo4j+ssc', 'bolt', 'bolt+s', 'bolt+ssc'];
const NEO4J_SCHEME = new RegExp(`^(${NEO4J_SCHEMES.map((scheme) => scheme.replace('+', '\\+')).join('|')})://`, 'i');

const environmentSchema = z
  .object({
    PORT: portNumber.default(4000),
    HOST: optionalText.transform((value) => value ?? '0.0.0.0'),
    HEALTH_PORT: portNumber.optional(),
    MAX_CONNECTIONS: connectionCount.optional(),
    HEAP_GROWING_PERCENT: growingPercent.default(0),
    DATA_DIR: optionalText.transform((value) => path.resolve(value ?? 'data')),
    SEED_DIR: optionalText,
    SEED_ON_START: z
      .enum(['true', 'false'])
      .default('true')
      .transform((value) => value === 'true'),
    NEO4J_URI: optionalText.refine((value) => value === undefined || NEO4J_SCHEME.test(value), {
      message: `must start with one of ${NEO4J_SCHEMES.map((scheme) => `${scheme}://`).join(', ')}`,
    }),
    NEO4J_USER: optionalText.transform((value) => value ?? 'neo4j'),
    NEO4J_PASSWORD: optionalText.transform((value) => value ?? ''),
    NEO4J_DATABASE: optionalText.transform((value) => value ?? 'neo4j'),
    REDIS_URL: optionalText.superRefine((value, ctx) => {
      const problem = value === undefined ? null : redisUrlProblem(value);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    }),
    REDIS_KEY_PREFIX: z
      .string()
      .regex(/^[\w.:-]{1,64}$/, 'must be 1 to 64 letters, digits or . _ : -')
      .default('drama:'),
    DRAMA_LOADERS: z.enum(['on', 'off']).default('on'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    CHANGE_RETENTION_S: count(7 * 86_400, 10 * 365 * 86_400, 1),
    CHANGE_FEED_POLL_MS: count(2_000, 600_000, 50),
    WEBHOOKS_FILE: optionalText,
    WEBHOOKS_STATE_FILE: optionalText,
    WEBHOOK_MAX_FAILURES: count(5, 1_000, 1),
    WEBHOOK_BACKOFF_MS: count(500, 3_600_000, 1),
    WEBHOOK_MAX_BACKOFF_MS: count(60_000, 86_400_000, 1),
    WEBHOOK_TIMEOUT_MS: count(5_000, 600_000, 100),
    WEBHOOK_LEASE_MS: count(10_000, 600_000, 500),
  })
  .superRefine((e, ctx) => {
    if (e.HEALTH_PORT !== undefined && e.HEALTH_PORT !== 0 && e.HEALTH_PORT === e.PORT) {
      ctx.addIssue({ code: 'custom', path: ['HEALTH_PORT'], message: 'must differ from PORT' });
    }
    if (e.WEBHOOK_MAX_BACKOFF_MS < e.WEBHOOK_BACKOFF_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['WEBHOOK_MAX_BACKOFF_MS'],
        message: `must be at least WEBHOOK_BACKOFF_MS (${e.WEBHOOK_BACKOFF_MS})`,
      });
      ctx.addIssue({
        code: 'custom',
        path: ['WEBHOOK_BACKOFF_MS'],
        message: `must be at most WEBHOOK_MAX_BACKOFF_MS (${e.WEBHOOK_MAX_BACKOFF_MS})`,
      });
    }
    if (e.NEO4J_URI !== undefined && NEO4J_SCHEME.test(e.NEO4J_URI) && e.NEO4J_PASSWORD === '') {
      ctx.addIssue({
        code: 'custom',
        path: ['NEO4J_PASSWORD'],
        message: `must be set when NEO4J_URI is set: there is no default password; set it to the password of NEO4J_USER (${e.NEO4J_USER})`,
      });
    }
  });

export type Neo4jSettings = { uri: string; user: string; password: string; database: string };

export interface Config {
  port: number;
  host: string;
  /** HEALTH_PORT: a second port that answers only /health and /ready; null (unset): none. */
  healthPort: number | null;
  /** MAX_CONNECTIONS: open connections to PORT beyond which new ones are closed at once. */
  maxConnections: number;
  /** HEAP_GROWING_PERCENT: how far V8 lets old space grow past what a full collection kept before the next one (0: V8's own choice). */
  heapGrowingPercent: number;
  dataDir: string;
  seedDir: string | undefined;
  seedOnStart: boolean;
  neo4j: Neo4jSettings | null;
  /** REDIS_URL and REDIS_KEY_PREFIX: state shared by replicas; null (unset) keeps everything in this process. */
  redis: { url: string; prefix: string } | null;
  logLevel: z.infer<typeof environmentSchema>['LOG_LEVEL'];
  /** 'off' only for the benchmark's N+1 baseline. */
  loaders: 'on' | 'off';
  ops: OpsSettings;
  /** Bearer tokens for writes, from DRAMA_TOKENS_FILE and DRAMA_TOKENS; only their sha256 hashes. */
  tokens: ConfiguredToken[];
  /** Read and checked with the configuration, before any store is opened. */
  persistedOperations: ReadonlyMap<string, string>;
  /** How long the change log keeps entries. */
  changeLog: { retentionMs: number };
  /** The changes subscription: how often it polls the log without a signal. */
  feed: { pollMs: number };
  /** Endpoints of WEBHOOKS_FILE (checked at start), where their delivery state lives, and the retry policy. */
  webhooks: {
    endpoints: WebhookEndpoint[];
    stateFile: string | null;
    settings: WebhookSettings;
  };
}

/** A MAX_CONNECTIONS that the open-files limit could not hold, with what the store and logs need, is refused. */
const connectionsWithin =
  (openFiles: number | null) =>
  (e: { MAX_CONNECTIONS?: number | undefined }, ctx: z.RefinementCtx): void => {
    if (openFiles === null || e.MAX_CONNECTIONS === undefined) return;
    const most = openFiles - OPEN_FILES_KEPT;
    if (e.MAX_CONNECTIONS > most)
      ctx.addIssue({
        code: 'custom',
        path: ['MAX_CONNECTIONS'],
        message: `must leave ${OPEN_FILES_KEPT} of the ${openFiles} files this process may open (ulimit -n) for the store, its connections and the logs: at most ${Math.max(most, 0)}, or raise ulimit -n`,
      });
  };

/** Names every invalid environment variable and what is wrong with it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variables: string[],
    readonly problems: string[],
  ) {
    super(`Invalid configuration:\n${problems.join('\n')}`);
  }
}

/**
 * The environment without its empty and whitespace-only variables: `PORT=` (or Compose's `${PORT:-}`) means
 * unset, the default, for every setting, never 0 or "".
 */
function withoutEmpty(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
}

/**
 * Reads the configuration from environment variables; throws ConfigError (or TokenConfigError,
 * PersistedOperationsError) naming every problem.
 */
export function loadConfig(
  environment: NodeJS.ProcessEnv = process.env,
  openFiles: number | null = openFilesLimit(),
): Config {
  const env = withoutEmpty(environment);
  const parsed = environmentSchema.superRefine(connectionsWithin(openFiles)).safeParse(env);
  const ops = parseOpsSettings(env);
  if (!parsed.success || !ops.success) {
    const issues = [...(parsed.error?.issues ?? []), ...(ops.error?.issues ?? [])];
    const problems = issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError([...new Set(issues.map((issue) => issue.path.join('.')))], problems);
  }
  const e = parsed.data;
  const maxConnections =
    e.MAX_CONNECTIONS ??
    (openFiles === null
      ? DEFAULT_MAX_CONNECTIONS
      : Math.max(1, Math.min(DEFAULT_MAX_CONNECTIONS, openFiles - OPEN_FILES_KEPT)));
  // Event streams stay open: at most half the connections, so plain requests always have room.
  const streams = Math.max(1, Math.floor(maxConnections / 2));
  if (env.SUBSCRIPTIONS_MAX !== undefined && ops.data.subscriptions.max > streams)
    throw new ConfigError(
      ['SUBSCRIPTIONS_MAX'],
      [
        `SUBSCRIPTIONS_MAX: must be at most half of MAX_CONNECTIONS (${maxConnections}), ${streams}, so that open event streams leave room for other requests`,
      ],
    );
  return {
    port: e.PORT,
    host: e.HOST,
    healthPort: e.HEALTH_PORT ?? null,
    maxConnections,
    heapGrowingPercent: e.HEAP_GROWING_PERCENT,
    dataDir: e.DATA_DIR,
    seedDir: e.SEED_DIR,
    seedOnStart: e.SEED_ON_START,
    neo4j: e.NEO4J_URI
      ? { uri: e.NEO4J_URI, user: e.NEO4J_USER, password: e.NEO4J_PASSWORD, database: e.NEO4J_DATABASE }
      : null,
    redis: e.REDIS_URL ? { url: e.REDIS_URL, prefix: e.REDIS_KEY_PREFIX } : null,
    logLevel: e.LOG_LEVEL,
    loaders: e.DRAMA_LOADERS,
    ops: {
      ...ops.data,
      subscriptions: { ...ops.data.subscriptions, max: Math.min(ops.data.subscriptions.max, streams) },
    },
    tokens: loadTokens(env),
    changeLog: { retentionMs: e.CHANGE_RETENTION_S * 1000 },
    feed: { pollMs: e.CHANGE_FEED_POLL_MS },
    webhooks: {
      endpoints: e.WEBHOOKS_FILE === undefined ? [] : loadWebhooks(path.resolve(e.WEBHOOKS_FILE)),
      stateFile:
        e.WEBHOOKS_FILE === undefined ? null : path.resolve(e.WEBHOOKS_STATE_FILE ?? `${e.WEBHOOKS_FILE}.state.json`),
      settings: {
        maxFailures: e.WEBHOOK_MAX_FAILURES,
        backoffMs: e.WEBHOOK_BACKOFF_MS,
        maxBackoffMs: e.WEBHOOK_MAX_BACKOFF_MS,
        timeoutMs: e.WEBHOOK_TIMEOUT_MS,
        leaseMs: e.WEBHOOK_LEASE_MS,
        pollMs: e.CHANGE_FEED_POLL_MS,
      },
    },
    persistedOperations: loadPersistedOperations(ops.data.persisted.file, {
      required: Boolean(env.PERSISTED_OPERATIONS_FILE),
    }),
  };
}
