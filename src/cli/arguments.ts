import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Says what was wrong and how to call the command, then exits 2 (a usage error), with no stack trace. */
export function usageError(message: string, usage: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

/** node's parseArgs, strict; an unknown or malformed option is a usage error. */
export function parseArgsOrExit<T extends ParseArgsConfig>(config: T, usage: string) {
  try {
    return parseArgs({ ...config, strict: true });
  } catch (error) {
    return usageError((error as Error).message, usage);
  }
}

/** The option's whole number (digits only, at least `min`), `fallback` when absent; anything else is a usage error. */
export function wholeNumberOrExit(
  name: string,
  text: string | undefined,
  { fallback, min, usage }: { fallback: number; min: number; usage: string },
): number {
  const n = text === undefined ? fallback : /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    return usageError(
      `--${name} takes ${min === 1 ? 'a positive integer' : `a whole number of at least ${min}`}, got "${text}"`,
      usage,
    );
  }
  return n;
}
