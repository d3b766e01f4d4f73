import type { GraphCounts, GraphDocument } from '../../domain/records.js';
import type { ImportProgress } from '../port.js';
import type { Params, WriteTx } from './connection.js';
import * as Q from './cypher-write.js';
import * as R from './records-out.js';
import { storedSearchKeys as keys } from '../../domain/search/keys.js';
import { toNumber } from './values.js';

export const CHUNK_SIZE = 1000;

type Collection = keyof GraphDocument;
type Statements = [cypher: string, rows: Params[]][];
type Progress = ((progress: ImportProgress) => void) | undefined;

interface Step {
  collection: Collection;
  statements(document: GraphDocument, from: number, to: number): Statements;
}

function step<K extends Collection>(collection: K, build: (chunk: GraphDocument[K]) => Statements): Step {
  return { collection, statements: (doc, from, to) => build(doc[collection].slice(from, to) as GraphDocument[K]) };
}

const STEPS: Step[] = [
  step('people', (c) => [[Q.IMPORT_PEOPLE, c.map((r) => ({ ...R.flatten(r), searchKeys: keys({ type: 'person', record: r }) }))]]),
  step('series', (c) => [[Q.IMPORT_SERIES, c.map((r) => ({ ...R.flatten(r), searchKeys: keys({ type: 'series', record: r }) }))]]),
  step('episodes', (c) => [[Q.IMPORT_EPISODES, c.map((r) => ({ ...R.flatten(r), searchKeys: keys({ type: 'episode', record: r }) }))]]),
  step('characters', (c) => [[Q.IMPORT_CHARACTERS, c.map((r) => ({ ...R.flatten(r), searchKeys: keys({ type: 'character', record: r }) }))]]),
  step('castings', (c) => [[Q.IMPORT_CASTINGS, c.map(R.castingRow)]]),
  step('credits', (c) => [[Q.IMPORT_CREDITS, c.map(R.creditRow)]]),
  step('relationships', (c) => [[Q.IMPORT_RELATIONSHIPS, c.map(R.relationshipRow)]]),
  step('events', (c) => [
    [Q.IMPORT_EVENTS, c.map(R.eventRow)],
    [Q.IMPORT_PARTICIPATIONS, R.participationRows(c)],
  ]),
];

async function runStatement(tx: WriteTx, collection: Collection, cypher: string, rows: Params[]): Promise<void> {
  if (rows.length === 0) return;
  const [result] = await tx.run(cypher, { rows });
  const written = result === undefined ? 0 : toNumber(result.written);
  if (written !== rows.length) {
    throw new Error(`Import of ${collection}: ${rows.length - written} of ${rows.length} rows reference missing nodes`);
  }
}

async function importCollection(tx: WriteTx, step: Step, document: GraphDocument, onProgress: Progress) {
  const total = document[step.collection].length;
  let done = 0;
  do {
    const end = Math.min(done + CHUNK_SIZE, total);
    for (const [cypher, rows] of step.statements(document, done, end)) {
      await runStatement(tx, step.collection, cypher, rows);
    }
    done = end;
    onProgress?.({ collection: step.collection, done, total });
  } while (done < total);
  return total;
}

/** Writes a whole document inside the given write transaction; the caller commits or rolls back. */
export async function importInto(tx: WriteTx, document: GraphDocument, onProgress: Progress): Promise<GraphCounts> {
  const counts: Partial<GraphCounts> = {};
  for (const s of STEPS) counts[s.collection] = await importCollection(tx, s, document, onProgress);
  return counts as GraphCounts;
}
