import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ExampleOperation } from '../examples.js';

/** Persisted operations by id: the sha256 (hex) of the document text, as Apollo's persistedQuery extension names it. */
export type PersistedOperations = Record<string, string>;

export const operationId = (document: string) => createHash('sha256').update(document).digest('hex');

export function buildPersistedOperations(examples: readonly ExampleOperation[]): PersistedOperations {
  const entries = examples.map((example) => [operationId(example.document), example.document] as const);
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}

export const renderPersistedOperations = (operations: PersistedOperations) => `${JSON.stringify(operations, null, 2)}\n`;

export function loadPersistedOperations(file: string): PersistedOperations {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PersistedOperations;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}
