import { COLLECTIONS, type Collection } from '../domain/collections.js';
import { type FieldIssue, ValidationError } from '../domain/integrity/validation.js';
import type { GraphDocument } from '../domain/records.js';
import { SeedValidationError } from '../errors.js';
import { toGraphDocument } from '../seed/document.js';
import type { SeedFile } from '../seed/format.js';
import { parseSeedValue } from '../seed/load.js';
import { seedLocator } from '../seed/locate.js';

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

/** A batch's records, and where a record's field sits in the document the client sent. */
export interface Batch {
  document: GraphDocument;
  /** `[collection, key, ...field]`, as the write's plan names a problem, as a path into the `document` argument. */
  pathOf(issuePath: readonly string[]): string[];
}

/** Paths into the `document` argument, as single writes' paths go into `input`; a record the document does not give (a stored one) is named by the message. */
const inDocument = (path: readonly string[]): string[] => ['document', ...path];

function unsourced(document: GraphDocument, pathOf: Batch['pathOf']): FieldIssue[] {
  return COLLECTIONS.flatMap((collection) =>
    (document[collection] as { key: string; sources: unknown[] }[])
      .filter((record) => record.sources.length === 0)
      .map((record) => ({
        path: pathOf([collection, record.key, 'source']),
        message: 'every fact written needs a source',
        rule: 'source-required',
      })),
  );
}

/** Turns an importBatch document (the seed format) into records, or throws ValidationError. */
export function batchDocument(raw: unknown): Batch {
  let seed: SeedFile;
  try {
    seed = parseSeedValue('document', raw, namedPeople(raw), false);
  } catch (error) {
    if (!(error instanceof SeedValidationError)) throw error;
    throw new ValidationError(
      error.issues.map((i) => ({ path: inDocument(i.path ?? []), message: i.message, rule: i.rule })),
    );
  }
  const document = toGraphDocument([seed]);
  const locate = seedLocator(seed);
  const pathOf = ([collection, key, ...field]: readonly string[]): string[] => {
    const found =
      collection === undefined || key === undefined || !COLLECTIONS.includes(collection as Collection)
        ? null
        : locate.pathOf(collection as Collection, key, field);
    return inDocument(found ?? []);
  };
  const missing = unsourced(document, pathOf);
  if (missing.length > 0) throw new ValidationError(missing);
  return { document, pathOf };
}
