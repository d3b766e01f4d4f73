import { COLLECTIONS, type Collection } from './collections.js';
import type { GraphDocument } from './records.js';
import {
  aliasNameIssues,
  certaintyIssues,
  duplicateKeys,
  eventIssues,
  type RecordIssue,
  type RuleIssue,
  relationshipIssues,
  revisionIssues,
} from './rules.js';

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

/** Each key given to two records of one collection: the second would silently replace the first. */
export function duplicateIssues(collection: Collection, records: readonly { key: string }[]): DocumentIssue[] {
  return duplicateKeys(records).map((key) => ({
    collection,
    key,
    field: '(record)',
    rule: 'duplicate',
    message: `"${key}" is given twice: ${SAME_KEY[collection]} names one record`,
  }));
}

/**
 * What a document of records breaks on its own, before the stored story is consulted: a record named
 * twice (the second would silently replace the first), and each record's own rules (revisions, certainty, relationships, events).
 */
export function documentIssues(doc: GraphDocument): DocumentIssue[] {
  const issues: DocumentIssue[] = COLLECTIONS.flatMap((collection) => duplicateIssues(collection, doc[collection]));
  const add = (collection: Collection, key: string, found: RuleIssue[]) =>
    issues.push(...found.map((i) => ({ collection, key, ...i })));
  const judged = (r: { certainty: string; basis: readonly { fromEpisode: number }[] }) => [
    ...revisionIssues('basis', r.basis),
    ...certaintyIssues(r),
  ];
  for (const c of doc.characters)
    add('characters', c.key, [...revisionIssues('description', c.description), ...aliasNameIssues(c), ...judged(c)]);
  for (const c of doc.castings) add('castings', c.key, judged(c));
  for (const r of doc.relationships)
    add('relationships', r.key, [...relationshipIssues(r), ...revisionIssues('note', r.note), ...judged(r)]);
  for (const e of doc.events) add('events', e.key, [...eventIssues(e), ...judged(e)]);
  return issues;
}
