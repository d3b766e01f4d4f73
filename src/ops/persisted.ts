import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';
import type { ExampleOperation } from '../examples.js';

/** Persisted operations by id: the sha256 (hex) of the document text, as Apollo's persistedQuery extension names it. */
export type PersistedOperations = Record<string, string>;

export const operationId = (document: string) => createHash('sha256').update(document).digest('hex');

export function buildPersistedOperations(examples: readonly ExampleOperation[]): PersistedOperations {
  const entries = examples.map((example) => [operationId(example.document), example.document] as const);
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}

export const renderPersistedOperations = (operations: PersistedOperations) => `${JSON.stringify(operations, null, 2)}\n`;

/** By id in a Map: a client's hash is never looked up on an object, so `__proto__` or `constructor` find nothing. */
export function loadPersistedOperations(file: string): Map<string, string> {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as PersistedOperations;
    return new Map(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
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
