import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';

/** Persisted operations by id: the sha256 (hex) of the document text, as Apollo's persistedQuery extension names it. */
export type PersistedOperations = Record<string, string>;

export const operationId = (document: string) => createHash('sha256').update(document).digest('hex');

/** The persisted operations file cannot be used: missing (when configured), unreadable, not JSON, or not id -> document. */
export class PersistedOperationsError extends Error {
  override readonly name = 'PersistedOperationsError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`persisted operations file ${path} ${reason}`);
  }
}

const isOperations = (value: unknown): value is PersistedOperations =>
  value !== null &&
  typeof value === 'object' &&
  !Array.isArray(value) &&
  Object.values(value).every((v) => typeof v === 'string');

/**
 * By id in a Map: a client's hash is never looked up on an object, so `__proto__` or `constructor` find nothing.
 * A missing file is no operations unless `required`; anything else wrong throws a PersistedOperationsError.
 */
export function loadPersistedOperations(file: string, { required = false } = {}): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return new Map();
    throw new PersistedOperationsError(
      file,
      code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new PersistedOperationsError(file, 'is not valid JSON');
  }
  if (!isOperations(parsed)) throw new PersistedOperationsError(file, 'is not a JSON object of id -> document text');
  const operations = new Map(Object.entries(parsed));
  for (const [id, document] of operations) {
    try {
      parse(document);
    } catch {
      throw new PersistedOperationsError(file, `holds a document that does not parse (id ${id.slice(0, 64)})`);
    }
  }
  return operations;
}

/** The names of the operations the persisted documents hold: the only operation names metrics label. */
export function persistedOperationNames(operations: ReadonlyMap<string, string>): string[] {
  const names = new Set<string>();
  for (const document of operations.values()) {
    for (const definition of parse(document).definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) names.add(definition.name.value);
    }
  }
  return [...names].sort();
}
