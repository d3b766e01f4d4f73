import { COLLECTIONS, type Collection, emptyDocument } from '../../domain/collections.js';
import type { GraphCounts, GraphDocument } from '../../domain/records.js';
import { storedSearchKeys as keys } from '../../domain/search/keys.js';
import type { ImportStep } from '../port.js';
import * as writeCypher from './cypher-write.js';
import type { Params, WriteTx } from './driver.js';
import * as encode from './encode.js';
import { toNumber } from './values.js';

const CHUNK_SIZE = 1000;
/** Rows (records, and an event's participations) one import transaction writes at most. */
export const TRANSACTION_ROWS = 2000;

type Statements = [cypher: string, rows: Params[]][];
type OnStep = ((step: ImportStep) => void) | undefined;

interface Step {
  collection: Collection;
  statements(document: GraphDocument, from: number, to: number): Statements;
}

function step<K extends Collection>(collection: K, build: (chunk: GraphDocument[K]) => Statements): Step {
  return { collection, statements: (doc, from, to) => build(doc[collection].slice(from, to) as GraphDocument[K]) };
}

const STEPS: Step[] = [
  step('people', (c) => [
    [
      writeCypher.IMPORT_PEOPLE,
      c.map((r) => ({ ...encode.flattenWithExternalIds(r), searchKeys: keys({ type: 'person', record: r }) })),
    ],
  ]),
  step('series', (c) => [
    [
      writeCypher.IMPORT_SERIES,
      c.map((r) => ({ ...encode.flattenWithExternalIds(r), searchKeys: keys({ type: 'series', record: r }) })),
    ],
  ]),
  step('episodes', (c) => [
    [
      writeCypher.IMPORT_EPISODES,
      c.map((r) => ({ ...encode.flatten(r), searchKeys: keys({ type: 'episode', record: r }) })),
    ],
  ]),
  step('characters', (c) => [
    [
      writeCypher.IMPORT_CHARACTERS,
      c.map((r) => ({ ...encode.flatten(r), searchKeys: keys({ type: 'character', record: r }) })),
    ],
  ]),
  step('castings', (c) => [[writeCypher.IMPORT_CASTINGS, c.map(encode.castingRow)]]),
  step('credits', (c) => [[writeCypher.IMPORT_CREDITS, c.map(encode.creditRow)]]),
  step('relationships', (c) => [[writeCypher.IMPORT_RELATIONSHIPS, c.map(encode.relationshipRow)]]),
  step('events', (c) => [
    [writeCypher.IMPORT_EVENTS, c.map(encode.eventRow)],
    [writeCypher.IMPORT_PARTICIPATIONS, encode.participationRows(c)],
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

async function importCollection(tx: WriteTx, step: Step, document: GraphDocument, onStep: OnStep) {
  const total = document[step.collection].length;
  let done = 0;
  do {
    const end = Math.min(done + CHUNK_SIZE, total);
    for (const [cypher, rows] of step.statements(document, done, end)) {
      await runStatement(tx, step.collection, cypher, rows);
    }
    done = end;
    onStep?.({ collection: step.collection, done, total });
  } while (done < total);
  return total;
}

/** Writes a whole document inside the given write transaction; the caller commits or rolls back. */
export async function importInto(tx: WriteTx, document: GraphDocument, onStep: OnStep): Promise<GraphCounts> {
  const counts: Partial<GraphCounts> = {};
  for (const s of STEPS) counts[s.collection] = await importCollection(tx, s, document, onStep);
  return counts as GraphCounts;
}

const IN_SERIES: Exclude<Collection, 'people'>[] = [
  'series',
  'episodes',
  'characters',
  'castings',
  'credits',
  'relationships',
  'events',
];

const rowsOf = (collection: Collection, record: GraphDocument[Collection][number]): number =>
  collection === 'events' ? 1 + (record as GraphDocument['events'][number]).participants.length : 1;

export const rowCount = (document: GraphDocument): number =>
  COLLECTIONS.reduce((n, c) => n + document[c].reduce((m: number, r) => m + rowsOf(c, r), 0), 0);

/** The people, then each series' records (keyed by series), in collection order. */
function groups(document: GraphDocument): GraphDocument[] {
  const bySeries = new Map<string, GraphDocument>();
  const of = (key: string) => bySeries.get(key) ?? bySeries.set(key, emptyDocument()).get(key)!;
  for (const record of document.series) of(record.key).series.push(record);
  for (const c of IN_SERIES.slice(1)) {
    for (const record of document[c]) (of((record as { seriesKey: string }).seriesKey)[c] as unknown[]).push(record);
  }
  return [{ ...emptyDocument(), people: document.people }, ...bySeries.values()];
}

/** Collects records into documents of at most `maxRows` rows each. */
class Packer {
  readonly parts: GraphDocument[] = [];
  private part = emptyDocument();
  private rows = 0;

  constructor(private readonly maxRows: number) {}

  /** Adds a document whole, after starting a new part if it does not fit in this one. */
  add(document: GraphDocument, rows: number): void {
    if (this.rows > 0 && this.rows + rows > this.maxRows) this.flush();
    for (const c of COLLECTIONS) (this.part[c] as unknown[]).push(...document[c]);
    this.rows += rows;
  }

  flush(): void {
    if (this.rows > 0) this.parts.push(this.part);
    this.part = emptyDocument();
    this.rows = 0;
  }
}

/** A document of one record. */
const single = (c: Collection, record: unknown): GraphDocument => ({ ...emptyDocument(), [c]: [record] });

/**
 * Splits a document into parts of at most `maxRows` rows, one transaction each: the people first, then
 * whole series, several to a part while they fit; only a series bigger than a part is cut, in collection
 * order. Every record then references nodes of its own part or of parts written before it.
 */
export function importParts(document: GraphDocument, maxRows = TRANSACTION_ROWS): GraphDocument[] {
  const packer = new Packer(maxRows);
  for (const group of groups(document)) {
    const rows = rowCount(group);
    if (rows <= maxRows) {
      packer.add(group, rows);
      continue;
    }
    for (const c of COLLECTIONS) for (const record of group[c]) packer.add(single(c, record), rowsOf(c, record));
  }
  packer.flush();
  return packer.parts.length > 0 ? packer.parts : [emptyDocument()];
}
