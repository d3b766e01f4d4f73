import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type Config, loadConfig } from '../config/environment.js';

/** Says what was wrong and how to call the command, then exits 2 (a usage error), with no stack trace. */
export function usageError(message: string, usage: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

/**
 * node's parseArgs, strict; an unknown or malformed option, an option given twice (the last would silently win)
 * or more than `maxPositionals` arguments is a usage error.
 */
export function parseArgsOrExit<T extends ParseArgsConfig>(config: T, usage: string, maxPositionals = 1) {
  let parsed: ReturnType<typeof parseArgs<T & { strict: true; tokens: true }>>;
  try {
    parsed = parseArgs({ ...config, strict: true, tokens: true });
  } catch (error) {
    return usageError((error as Error).message, usage);
  }
  const given = (parsed.tokens ?? []).flatMap((token) => (token.kind === 'option' ? [token.name] : []));
  const twice = given.find((name, i) => given.indexOf(name) !== i);
  if (twice !== undefined) usageError(`--${twice} is given twice; give it once`, usage);
  if (parsed.positionals.length > maxPositionals)
    usageError(`too many arguments: ${parsed.positionals.map((p) => JSON.stringify(p)).join(' ')}`, usage);
  return parsed;
}

/** The option's whole number (digits only, from `min` to `max`), `fallback` when absent; anything else is a usage error. */
export function wholeNumberOrExit(
  name: string,
  text: string | undefined,
  {
    fallback,
    min,
    max = Number.MAX_SAFE_INTEGER,
    usage,
  }: { fallback: number; min: number; max?: number; usage: string },
): number {
  const n = text === undefined ? fallback : /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    return usageError(
      `--${name} takes ${min === 1 && max === Number.MAX_SAFE_INTEGER ? 'a positive integer' : `a whole number ${range}`}, got "${text}"`,
      usage,
    );
  }
  return n;
}

/** What a failed command prints: the error's message and its code (a driver's, or a data directory's reason), never its stack. */
export function failureLine(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, reason } = error as { code?: unknown; reason?: unknown };
  const named = typeof code === 'string' ? code : reason;
  return typeof named === 'string' && named.length > 0 && !error.message.includes(named)
    ? `${error.message} (${named})`
    : error.message;
}

/** The service's configuration from the environment, or its problems, one per line, and exit 1. */
export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    console.error(failureLine(error));
    process.exit(1);
  }
}
