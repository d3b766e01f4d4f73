import { LRUCache } from 'lru-cache';
import type { Collection, RecordOf } from '../../domain/collections.js';
import type { PlotEventKind } from '../../domain/vocabulary.js';
import type { EventFilter } from '../port.js';
import type { EmbeddedDatabase } from './database.js';
import type { IndexKey, IndexName } from './layout.js';
import {
  type EventRow,
  eachKey,
  eachRow,
  eventRow,
  ofKinds,
  ROWS_PER_CHECK,
  type ScanTurns,
  type Totals,
  totalsOf,
} from './queries.js';

/** How many decoded records the heap keeps, across collections. */
const RECORD_CACHE_ENTRIES = 5_000;
/** How many findEvents totals (per filter) the heap keeps. */
const TOTALS_CACHE_ENTRIES = 500;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Freezes what a record holds but leaves the record extensible: GraphQL layers may brand it with symbols. */
function freezeContents<T extends object>(record: T): T {
  for (const child of Object.values(record)) deepFreeze(child);
  return record;
}

/**
 * Reads of the embedded store, from lmdb, through a small bounded cache of decoded records and of event
 * totals. The cache holds only what was read at the data version it notes; `refresh` drops it as soon as
 * any process has committed a write since, so it never hides one.
 */
export class EmbeddedReads {
  private readonly cached = new LRUCache<string, object>({ max: RECORD_CACHE_ENTRIES });
  private readonly totals = new LRUCache<string, Totals>({ max: TOTALS_CACHE_ENTRIES });
  private version: number | null = null;

  constructor(readonly db: EmbeddedDatabase) {}

  /** Called before each read: lmdb's read snapshot holds for the rest of this turn of the event loop. */
  refresh(): number {
    const version = this.db.version();
    if (version !== this.version) {
      this.cached.clear();
      this.totals.clear();
      this.version = version;
    }
    return version;
  }

  records<C extends Collection>(collection: C, keys: readonly string[]): (RecordOf<C> | null)[] {
    return keys.map((key) => this.record(collection, key));
  }

  /**
   * A record of its own for each caller, as Neo4j decodes one per read: GraphQL layers brand records with their
   * type, and a record the cache shared, branded `Character` by a `node` query, was answered by a later
   * `upsertCharacter` as a `Character` where its result union wanted the success type (red team 41).
   */
  record<C extends Collection>(collection: C, key: string): RecordOf<C> | null {
    const id = `${collection}\u0000${key}`;
    let record = this.cached.get(id) as RecordOf<C> | undefined;
    if (record === undefined) {
      record = this.db.record(collection, key);
      if (record === undefined) return null;
      freezeContents(record);
      this.cached.set(id, record);
    }
    return { ...record };
  }

  /** The record keys of an index's rows under `prefix`, in index order. */
  keysIn(index: IndexName, prefix: IndexKey): string[] {
    return Array.from(this.db.scanKeys(index, prefix), (key) => key.at(-1) as string);
  }

  /** The records an index lists under `prefix`, in its order. */
  listed<C extends Collection>(collection: C, index: IndexName, prefix: IndexKey): RecordOf<C>[] {
    return this.present(collection, this.keysIn(index, prefix));
  }

  /** Up to `first` keys of a series' events after a place in it (null: from its first), in position order. */
  seriesEventKeysAfter(seriesKey: string, after: { episodeNumber: number; sequence: number } | null, first: number) {
    const keys: string[] = [];
    if (first <= 0) return keys;
    const from = after === null ? [seriesKey] : [seriesKey, after.episodeNumber, after.sequence];
    for (const key of this.db.scanKeys('eventsByPosition', [seriesKey], from)) {
      if (after !== null && key[1] === after.episodeNumber && key[2] === after.sequence) continue;
      keys.push(key.at(-1) as string);
      if (keys.length === first) break;
    }
    return keys;
  }

  /** The event rows of an event index under `prefix`, whose first `prefix.length` elements are not the position. */
  eventRows(index: IndexName, prefix: IndexKey): EventRow[] {
    const anchor = index === 'eventsByPosition' ? 0 : 1;
    return Array.from(this.db.scan(index, prefix), (row) => eventRow(this.db, row, anchor));
  }

  /** The keys of the events an event index lists under `prefix`, of these kinds (null: all, read without their facts). */
  eventKeys(index: IndexName, prefix: IndexKey, kinds: readonly PlotEventKind[] | null): string[] {
    if (kinds === null) return this.keysIn(index, prefix);
    return this.eventRows(index, prefix)
      .filter((e) => ofKinds(e, kinds))
      .map((e) => e.key);
  }

  /**
   * `keysIn`, over the rows in turns of the event loop as `turns` says: a series' 110,000 events were scanned in one
   * go for a story, and held /health for 0.8 s (red team 57).
   */
  async keysInTurns(
    index: IndexName,
    prefix: IndexKey,
    turns: ScanTurns | undefined,
    keep: (key: IndexKey) => boolean = () => true,
  ): Promise<string[]> {
    const keys: string[] = [];
    await eachKey(this.db, index, prefix, turns, (key) => !keep(key) || keys.push(key.at(-1) as string) > 0);
    return keys;
  }

  /** `eventKeys`, in turns as keysInTurns. */
  async eventKeysInTurns(
    index: IndexName,
    prefix: IndexKey,
    kinds: readonly PlotEventKind[] | null,
    turns: ScanTurns | undefined,
  ): Promise<string[]> {
    if (kinds === null) return this.keysInTurns(index, prefix, turns);
    return (await this.eventRowsInTurns(index, prefix, kinds, turns)).map((e) => e.key);
  }

  /** The event rows (facts, no record) of an event index under `prefix`, of these kinds, in turns as keysInTurns. */
  async eventRowsInTurns(
    index: IndexName,
    prefix: IndexKey,
    kinds: readonly PlotEventKind[],
    turns: ScanTurns | undefined,
  ): Promise<EventRow[]> {
    const anchor = index === 'eventsByPosition' ? 0 : 1;
    const rows: EventRow[] = [];
    await eachRow(this.db, index, prefix, prefix, turns, (row) => {
      const event = eventRow(this.db, row, anchor);
      if (ofKinds(event, kinds)) rows.push(event);
      return true;
    });
    return rows;
  }

  /** The records with these keys, skipping any that is gone (an index never names one, but be safe). */
  present<C extends Collection>(collection: C, keys: readonly string[]): RecordOf<C>[] {
    return this.records(collection, keys).filter((r): r is RecordOf<C> => r !== null);
  }

  /**
   * `present` for each list of keys, asking `turns` every ROWS_PER_CHECK records (across the lists) whether to take a
   * turn of the event loop; all in one go without `turns`. A character of a long series is in thousands of events,
   * and one read at once held the loop for 0.4 to 0.7 s (red team 57). With `once`, a key listed more than once is
   * read once and its record given to every list that names it. `each` is called with every record as it is put in a
   * list (once per list that names it), before the next is read: it may throw to stop the read.
   */
  async presentInTurns<C extends Collection>(
    collection: C,
    lists: readonly (readonly string[])[],
    turns: ScanTurns | undefined,
    { once = false, each }: { once?: boolean; each?: (record: RecordOf<C>) => void } = {},
  ): Promise<RecordOf<C>[][]> {
    let decoded = 0;
    const seen = new Map<string, RecordOf<C> | null>();
    const found: RecordOf<C>[][] = [];
    for (const keys of lists) {
      const records: RecordOf<C>[] = [];
      for (const key of keys) {
        if (turns !== undefined && ++decoded % ROWS_PER_CHECK === 0 && turns.due()) await turns.take();
        let record = once ? seen.get(key) : undefined;
        if (record === undefined) {
          record = this.record(collection, key);
          if (once) seen.set(key, record);
        }
        if (record === null) continue;
        each?.(record);
        records.push(record);
      }
      found.push(records);
    }
    return found;
  }

  /** `listed`, asking `turns` as presentInTurns does. */
  async listedInTurns<C extends Collection>(
    collection: C,
    index: IndexName,
    prefixes: readonly IndexKey[],
    turns: ScanTurns | undefined,
  ): Promise<RecordOf<C>[]> {
    const lists: string[][] = [];
    for (const prefix of prefixes) lists.push(await this.keysInTurns(index, prefix, turns));
    return (await this.presentInTurns(collection, lists, turns)).flat();
  }

  async totalsOf(filter: EventFilter, turns?: ScanTurns): Promise<Totals> {
    const id = JSON.stringify(filter);
    let totals = this.totals.get(id);
    if (totals === undefined) {
      totals = await totalsOf(this.db, filter, turns);
      this.totals.set(id, totals);
    }
    return totals;
  }
}
