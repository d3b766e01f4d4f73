import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { TokenConfigError } from '../auth/token-config.js';
import { ConfigError } from '../config.js';
import { SeedValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { DataDirError } from '../store/embedded/data-dir.js';

/** The port could not be bound. */
export class ListenError extends Error {
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
      const why = code === 'EADDRINUSE' ? 'is already in use' : code === 'EACCES' ? 'needs privileges this process lacks' : `cannot be bound (${error.message})`;
      reject(new ListenError(code, host, port, `port ${port} on ${host} ${why}`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Until the store is migrated and seeded: /health is alive, everything else (/ready, /graphql) is 503. */
export function startingHandler(request: IncomingMessage, response: ServerResponse): void {
  const alive = request.url === '/health' || request.url?.startsWith('/health?') === true;
  response.writeHead(alive ? 200 : 503, { 'content-type': 'application/json', ...(alive ? {} : { 'retry-after': '1' }) });
  response.end(JSON.stringify({ status: 'starting' }));
}

export interface StartupFailure {
  /** A stable code for what failed. */
  cause: string;
  msg: string;
  [field: string]: unknown;
}

const LISTEN_CAUSES: Record<string, string> = { EADDRINUSE: 'PORT_IN_USE', EACCES: 'PORT_NOT_PERMITTED', EADDRNOTAVAIL: 'HOST_NOT_AVAILABLE', ENOTFOUND: 'HOST_NOT_AVAILABLE' };

/** What a start-up error means for an operator: a cause code, the path or address at fault, a one-line message; never a stack. */
export function describeStartupFailure(error: unknown): StartupFailure {
  const oneLine = (text: string) => text.replace(/:\s*\n\s*/, ': ').replace(/\s*\n\s*/g, '; ');
  if (error instanceof DataDirError) {
    return { cause: error.reason, path: error.path, ...error.details, msg: error.message };
  }
  if (error instanceof ListenError) {
    return { cause: LISTEN_CAUSES[error.errno] ?? 'LISTEN_FAILED', address: `${error.host}:${error.port}`, host: error.host, port: error.port, errno: error.errno, msg: error.message };
  }
  if (error instanceof ConfigError) {
    return { cause: 'CONFIG_INVALID', env: error.variables, problems: error.problems, msg: oneLine(error.message) };
  }
  if (error instanceof TokenConfigError) {
    return { cause: 'TOKENS_INVALID', source: error.source, problems: error.problems, msg: oneLine(error.message) };
  }
  if (error instanceof SeedValidationError) {
    return { cause: 'SEED_INVALID', path: error.issues[0]?.file, issues: error.issues.slice(0, 20), msg: oneLine(error.message) };
  }
  const { code, path } = error !== null && typeof error === 'object' ? (error as { code?: unknown; path?: unknown }) : {};
  const message = error instanceof Error ? error.message : String(error);
  return {
    cause: 'STARTUP_FAILED',
    ...(typeof path === 'string' ? { path } : {}),
    ...(typeof code === 'string' ? { errno: code } : {}),
    msg: oneLine(message),
  };
}

/** Logs one fatal line for a start-up failure and exits non-zero. */
export function exitOnStartupFailure(logger: Logger, error: unknown): never {
  const { msg, ...fields } = describeStartupFailure(error);
  logger.fatal(fields, `cannot start: ${msg}`);
  process.exit(1);
}
