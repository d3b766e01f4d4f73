import { COLLECTIONS } from '../domain/collections.js';
import { type FieldIssue, ValidationError } from '../domain/integrity/validation.js';
import type { GraphDocument } from '../domain/records.js';
import { SeedValidationError } from '../errors.js';
import { toGraphDocument } from '../seed/document.js';
import { parseSeedValue } from '../seed/load.js';

const listOf = (value: unknown): Record<string, unknown>[] =>
  Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => v !== null && typeof v === 'object') : [];

/** Every person slug the document names; whether each exists is the write's own plan to check, in its transaction. */
function namedPeople(raw: unknown): Set<string> {
  const names = new Set<string>();
  for (const series of listOf((raw as { series?: unknown } | null)?.series)) {
    for (const slug of Array.isArray(series.starring) ? series.starring : [])
      if (typeof slug === 'string') names.add(slug);
    for (const link of [...listOf(series.castings), ...listOf(series.credits)])
      if (typeof link.person === 'string') names.add(link.person);
  }
  return names;
}

function unsourced(document: GraphDocument): FieldIssue[] {
  return COLLECTIONS.flatMap((collection) =>
    (document[collection] as { key: string; sources: unknown[] }[])
      .filter((record) => record.sources.length === 0)
      .map((record) => ({
        path: ['document', collection, record.key, 'source'],
        message: 'every fact written needs a source',
        rule: 'source-required',
      })),
  );
}

/** Turns an importBatch document (the seed format) into records, or throws ValidationError. */
export function batchDocument(raw: unknown): GraphDocument {
  let document: GraphDocument;
  try {
    document = toGraphDocument([parseSeedValue('document', raw, namedPeople(raw), false)]);
  } catch (error) {
    if (!(error instanceof SeedValidationError)) throw error;
    throw new ValidationError(
      error.issues.map((i) => ({
        path: ['document', i.record, ...i.field.split('.')],
        message: i.message,
        rule: i.rule,
      })),
    );
  }
  const missing = unsourced(document);
  if (missing.length > 0) throw new ValidationError(missing);
  return document;
}
