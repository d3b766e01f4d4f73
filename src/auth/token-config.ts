import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { jsonKeyProblem } from '../json-keys.js';
import { SCOPES, type Scope } from './viewer.js';

const TOKEN_NAME = /^[A-Za-z0-9][\w.-]{0,63}$/;

export const tokenEntrySchema = z.strictObject({
  name: z
    .string()
    .regex(TOKEN_NAME, 'a name is 1-64 ASCII letters, digits, "_", "-" or ".", starting with a letter or a digit'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/i, 'sha256 is the 64 hex digits of sha256(token)'),
  scopes: z.array(z.enum(SCOPES)).min(1, 'give at least one scope'),
});

const tokenListSchema = z.array(tokenEntrySchema);

export type TokenEntry = z.infer<typeof tokenEntrySchema>;

/** A token the service accepts: only the hash of its secret is kept. */
export interface ConfiguredToken {
  name: string;
  sha256: Buffer;
  scopes: readonly Scope[];
}

export class TokenConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Invalid token configuration (${source}):\n${problems.join('\n')}`);
    this.name = 'TokenConfigError';
  }
}

function parseJson(text: string, source: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new TokenConfigError(source, [`not JSON: ${(error as Error).message}`]);
  }
  const ambiguous = jsonKeyProblem(text);
  if (ambiguous !== null) throw new TokenConfigError(source, [ambiguous]);
  return parsed;
}

/** Parses one JSON list of `{ name, sha256, scopes }` entries; throws TokenConfigError naming each problem. */
export function parseTokenEntries(text: string, source: string): TokenEntry[] {
  const parsed = tokenListSchema.safeParse(parseJson(text, source));
  if (parsed.success) return parsed.data;
  throw new TokenConfigError(
    source,
    parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
  );
}

function duplicates(values: string[]): string[] {
  return [...new Set(values.filter((value, index) => values.indexOf(value) !== index))];
}

export function checkUnique(entries: TokenEntry[], source: string) {
  const names = duplicates(entries.map((entry) => entry.name)).map((name) => `name "${name}" is configured twice`);
  const hashes = duplicates(entries.map((entry) => entry.sha256.toLowerCase())).map(
    (hash) => `sha256 ${hash.slice(0, 12)}… is configured twice`,
  );
  if (names.length + hashes.length > 0) throw new TokenConfigError(source, [...names, ...hashes]);
}

function readTokensFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new TokenConfigError(`DRAMA_TOKENS_FILE ${file}`, [`cannot read it: ${(error as Error).message}`]);
  }
}

/** The tokens from DRAMA_TOKENS_FILE (a JSON file) and DRAMA_TOKENS (inline JSON); none when neither is set. */
export function loadTokens(env: NodeJS.ProcessEnv = process.env): ConfiguredToken[] {
  const file = env.DRAMA_TOKENS_FILE?.trim();
  const inline = env.DRAMA_TOKENS?.trim();
  const entries = [
    ...(file ? parseTokenEntries(readTokensFile(file), `DRAMA_TOKENS_FILE ${file}`) : []),
    ...(inline ? parseTokenEntries(inline, 'DRAMA_TOKENS') : []),
  ];
  checkUnique(entries, [file && 'DRAMA_TOKENS_FILE', inline && 'DRAMA_TOKENS'].filter(Boolean).join(' + '));
  return entries.map((entry) => ({ name: entry.name, sha256: Buffer.from(entry.sha256, 'hex'), scopes: entry.scopes }));
}
