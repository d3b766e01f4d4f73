import { COLLECTIONS, type Collection } from './collections.js';
import type { GraphDocument } from './records.js';
import { duplicateKeys, eventIssues, type RecordIssue, relationshipIssues } from './rules.js';

export interface DocumentIssue extends RecordIssue {
  collection: Collection;
}

const SAME_KEY: Record<Collection, string> = {
  people: 'a person slug',
  series: 'a series slug',
  episodes: 'an episode number',
  characters: 'a character slug',
  castings: 'a casting of one character by one person',
  credits: 'a credit of one person in one role',
  relationships: 'a relationship slug',
  events: 'an event slug',
};

/**
 * What a document of records breaks on its own, before the stored story is consulted: a record named
 * twice (the second would silently replace the first), and each relationship's and event's own rules.
 */
export function documentIssues(doc: GraphDocument): DocumentIssue[] {
  const issues: DocumentIssue[] = [];
  for (const collection of COLLECTIONS) {
    for (const key of duplicateKeys(doc[collection])) {
      const message = `"${key}" is given twice: ${SAME_KEY[collection]} names one record`;
      issues.push({ collection, key, field: '(record)', rule: 'duplicate', message });
    }
  }
  for (const r of doc.relationships)
    issues.push(...relationshipIssues(r).map((i) => ({ collection: 'relationships' as const, key: r.key, ...i })));
  for (const e of doc.events)
    issues.push(...eventIssues(e).map((i) => ({ collection: 'events' as const, key: e.key, ...i })));
  return issues;
}
