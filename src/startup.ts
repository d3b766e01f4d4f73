import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import v8 from 'node:v8';
import { TokenConfigError } from './auth/token-config.js';
import { ConfigError } from './config/environment.js';
import { PersistedOperationsError } from './config/persisted-operations.js';
import { SeedValidationError } from './errors.js';
import { WebhookConfigError } from './feed/webhooks/config.js';
import type { Logger } from './logger.js';
import { refusedProbeMethod } from './probes.js';
import { SeedDirectoryError } from './seed/load.js';
import { DataDirError } from './store/embedded/data-dir.js';

/** The port could not be bound. */
class ListenError extends Error {
  override readonly name = 'ListenError';
  constructor(
    readonly errno: string,
    readonly host: string,
    readonly port: number,
    message: string,
  ) {
    super(message);
  }
}

/** Binds the port, or rejects with a ListenError naming the address and why. */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const code = error.code ?? 'UNKNOWN';
      const why =
        code === 'EADDRINUSE'
          ? 'is already in use'
          : code === 'EACCES'
            ? 'needs privileges this process lacks'
            : `cannot be bound (${error.message})`;
      reject(new ListenError(code, host, port, `port ${port} on ${host} ${why}`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/**
 * Until the store is migrated and seeded: /health is alive, /ready is 503 `{"status":"starting"}`, and
 * everything else (GraphQL included) a 503 GraphQL error body coded SERVICE_STARTING.
 */
export function startingHandler(request: IncomingMessage, response: ServerResponse): void {
  const url = request.url ?? '';
  const is = (route: string) => url === route || url.startsWith(`${route}?`);
  const headers = { 'content-type': 'application/json; charset=utf-8' };
  const probe = is('/health') ? '/health' : is('/ready') ? '/ready' : null;
  if (probe !== null && refusedProbeMethod(request, response, probe)) return;
  if (probe === '/health') {
    response.writeHead(200, headers).end(JSON.stringify({ status: 'starting' }));
    return;
  }
  response.writeHead(503, { ...headers, 'retry-after': '1' });
  if (probe === '/ready') {
    response.end(JSON.stringify({ status: 'starting' }));
    return;
  }
  const error = { message: 'The service is starting; retry shortly.', extensions: { code: 'SERVICE_STARTING' } };
  response.end(JSON.stringify({ errors: [error] }));
}

export interface StartupFailure {
  /** A stable code for what failed. */
  cause: string;
  msg: string;
  [field: string]: unknown;
}

const LISTEN_CAUSES: Record<string, string> = {
  EADDRINUSE: 'PORT_IN_USE',
  EACCES: 'PORT_NOT_PERMITTED',
  EADDRNOTAVAIL: 'HOST_NOT_AVAILABLE',
  ENOTFOUND: 'HOST_NOT_AVAILABLE',
};

/** What was configured, so a failure can name the address at fault. */
export interface StartupContext {
  neo4jUri?: string | undefined;
}

/** The URI without any user:password in it. */
function address(uri: string): string {
  try {
    const url = new URL(uri);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return uri.replace(/\/\/[^@/]*@/, '//');
  }
}

const NEO4J_AUTH_ERRORS = new Set([
  'Neo.ClientError.Security.Unauthorized',
  'Neo.ClientError.Security.AuthenticationRateLimit',
]);

/** What a start-up error means for an operator: a cause code, the path or address at fault, a one-line message; never a stack. */
export function describeStartupFailure(error: unknown, context: StartupContext = {}): StartupFailure {
  const oneLine = (text: string) => text.replace(/:\s*\n\s*/, ': ').replace(/\s*\n\s*/g, '; ');
  if (error instanceof DataDirError) {
    return { cause: error.reason, path: error.path, ...error.details, msg: error.message };
  }
  if (error instanceof ListenError) {
    return {
      cause: LISTEN_CAUSES[error.errno] ?? 'LISTEN_FAILED',
      address: `${error.host}:${error.port}`,
      host: error.host,
      port: error.port,
      errno: error.errno,
      msg: error.message,
    };
  }
  if (error instanceof ConfigError) {
    return { cause: 'CONFIG_INVALID', env: error.variables, problems: error.problems, msg: oneLine(error.message) };
  }
  if (error instanceof TokenConfigError) {
    return { cause: 'TOKENS_INVALID', source: error.source, problems: error.problems, msg: oneLine(error.message) };
  }
  if (error instanceof SeedValidationError) {
    return {
      cause: 'SEED_INVALID',
      path: error.issues[0]?.file,
      issues: error.issues.slice(0, 20),
      msg: oneLine(error.message),
    };
  }
  if (error instanceof SeedDirectoryError) {
    return {
      cause: 'SEED_DIR_UNREADABLE',
      path: error.path,
      env: ['SEED_DIR'],
      errno: error.errno,
      msg: `the store is empty, and SEED_DIR ${error.path} cannot be read (${error.errno}): set SEED_DIR to a directory of seed files, or SEED_ON_START=false`,
    };
  }
  if (error instanceof WebhookConfigError) {
    return {
      cause: 'WEBHOOKS_INVALID',
      path: error.path,
      env: ['WEBHOOKS_FILE'],
      problems: error.problems,
      msg: oneLine(error.message),
    };
  }
  if (error instanceof PersistedOperationsError) {
    return {
      cause: 'PERSISTED_OPERATIONS_INVALID',
      path: error.path,
      env: ['PERSISTED_OPERATIONS_FILE'],
      msg: error.message,
    };
  }
  const { code, path } =
    error !== null && typeof error === 'object' ? (error as { code?: unknown; path?: unknown }) : {};
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string' && NEO4J_AUTH_ERRORS.has(code) && context.neo4jUri) {
    const at = address(context.neo4jUri);
    return {
      cause: 'NEO4J_UNAUTHORIZED',
      address: at,
      env: ['NEO4J_USER', 'NEO4J_PASSWORD'],
      errno: code,
      msg: `Neo4j at ${at} refused the credentials of NEO4J_USER / NEO4J_PASSWORD: ${oneLine(message)}`,
    };
  }
  return {
    cause: 'STARTUP_FAILED',
    ...(typeof path === 'string' ? { path } : {}),
    ...(typeof code === 'string' ? { errno: code } : {}),
    msg: oneLine(message),
  };
}

/** Logs one fatal line for a start-up failure and exits non-zero. */
export function exitOnStartupFailure(logger: Logger, error: unknown, context: StartupContext = {}): never {
  const { msg, ...fields } = describeStartupFailure(error, context);
  logger.fatal(fields, `cannot start: ${msg}`);
  process.exit(1);
}

/**
 * Lets old space grow `percent` past what the last full collection kept before V8 starts the next one (0 leaves
 * V8's own choice, about 90% here). Node refuses this flag in NODE_OPTIONS, so the service sets it as it starts;
 * V8 reads it each time it sets the next limit. What it trades: bench/README.md, "Op 2's tail and full collections".
 */
export function applyHeapGrowth(percent: number): void {
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
