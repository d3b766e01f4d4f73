import type { GraphDocument } from '../domain/records.js';
import { ValidationError, type FieldIssue } from '../domain/writes/validation.js';
import { SeedValidationError } from '../errors.js';
import { toGraphDocument } from '../seed/document.js';
import { parseSeedValue } from '../seed/load.js';
import { COLLECTIONS } from '../domain/writes/changes.js';

/** People may be declared by the document or already stored; the write's own plan checks which. */
class EveryPerson extends Set<string> {
  override has(): boolean {
    return true;
  }
}

function unsourced(document: GraphDocument): FieldIssue[] {
  return COLLECTIONS.flatMap((collection) =>
    (document[collection] as { key: string; source: unknown }[])
      .filter((record) => record.source === null)
      .map((record) => ({ path: ['document', collection, record.key, 'source'], message: 'every fact written needs a source' })),
  );
}

/** Turns an importBatch document (the seed format) into records, or throws ValidationError. */
export function batchDocument(raw: unknown): GraphDocument {
  let document: GraphDocument;
  try {
    document = toGraphDocument([parseSeedValue("document", raw, new EveryPerson())]);
  } catch (error) {
    if (!(error instanceof SeedValidationError)) throw error;
    throw new ValidationError(error.issues.map((i) => ({ path: ['document', i.record, ...i.field.split('.')], message: i.message })));
  }
  const missing = unsourced(document);
  if (missing.length > 0) throw new ValidationError(missing);
  return document;
}
