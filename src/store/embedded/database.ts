import path from 'node:path';
import { type Database, type Key, open, type RootDatabase, type RootDatabaseOptions } from 'lmdb';
import { externalIdsOf } from '../../domain/build.js';
import {
  type ChangeDraft,
  type ChangeEntry,
  type ChangeLogBounds,
  type ChangeLogOptions,
  changedDrafts,
  pruneLimit,
  recordId,
  sameRecord,
} from '../../domain/change-log.js';
import { COLLECTIONS, type Collection, countsOf, type RecordOf } from '../../domain/collections.js';
import { LIST_SIZE_KEYS, type ListSizes } from '../../domain/list-sizes.js';
import type { GraphCounts, GraphDocument } from '../../domain/records.js';
import type { SeriesSummary } from '../../domain/series-summary.js';
import { StoreWriteFailedError } from '../../errors.js';
import type { ImportStep } from '../port.js';
import { DataDirError, DataDirLock, ensureDirectory, fileSystemProblem } from './data-dir.js';
import {
  DUE_SERIAL_KEY,
  entriesOf,
  FORMAT,
  FORMAT_KEY,
  INDEXED_FORMAT,
  INDEXES,
  type IndexKey,
  type IndexName,
  MIGRATES_FROM,
  membershipsOf,
  ownListsOf,
  recordDatabase,
  SUMMARIES,
  SUMMARIES_DUE,
  SUMMARISED_FORMAT,
  summarisedSeries,
  VERSION_KEY,
} from './layout.js';
import { residentMappedBytes } from './mapped.js';
import { checkReadable, DATA_FILE, forgetClosedCleanly, markClosedCleanly } from './probe.js';
import { ROWS_PER_CHECK, type ScanTurns } from './queries.js';

/** What a failed lmdb commit reports, e.g. "no space left on device (ENOSPC)"; lmdb gives errno 5 or 28. */
function commitFailure(cause: unknown): string {
  const code = (cause as { code?: unknown } | null)?.code;
  if (code === 28 || code === 'ENOSPC') return 'no space left on device (ENOSPC)';
  if (code === 5 || code === 'EIO') return 'input/output error (EIO), often a full disk';
  return cause instanceof Error ? cause.message : 'the commit failed';
}

/** 64 GiB of address space for data.mdb's map; lmdb-js grows it further if ever needed. */
const MAP_BYTES = 2 ** 36;

/**
 * overlappingSync defaults to on (non-Windows) and then resolves a write at commit, before the fsync;
 * turned off, LMDB's own commit syncs data and meta pages before lmdb-js resolves the write's promise.
 */
const LMDB_OPTIONS: RootDatabaseOptions = {
  // Address space only (data.mdb grows as it is written): when the file outgrows the map, lmdb-js maps it
  // again and keeps the old mapping, so a growing import held each earlier map's pages as RSS too.
  mapSize: MAP_BYTES,
  overlappingSync: false,
  noSync: false,
  noMetaSync: false,
  useWritemap: false,
  cache: false,
  maxDbs: 64,
  // DATA_DIR is always a directory holding data.mdb and lock.mdb, even when its name has a dot.
  noSubdir: false,
};

/**
 * Records: msgpack with shared structures (field names stored once per database, under STRUCTURES, not in
 * every record) and LZ4 with lmdb-js's dictionary above COMPRESS_ABOVE bytes. Together they take an event
 * from about 500 bytes to about 200, which shrinks the file and the pages a read maps.
 */
const STRUCTURES = Symbol.for('structures');
const COMPRESS_ABOVE = 96;
const RECORD_OPTIONS = {
  encoding: 'msgpack',
  sharedStructuresKey: STRUCTURES,
  compression: { threshold: COMPRESS_ABOVE },
} as const;

const META = 'meta';
/** [list kind, holder key] → how many records the holder's list has. */
const LIST_LENGTHS = 'listLengths';
/** [list kind, length] → how many lists of that kind have that length (listSizes reads the largest). */
const LIST_HISTOGRAM = 'listHistogram';

/** cursor → ChangeEntry: the change log, appended to inside each write transaction. */
const CHANGES = 'changes';
/** In META: the cursor of the latest change logged. */
const LATEST_CHANGE_KEY = 'latestChange';

/** Every database of the layout, for the probe (with those a migration reads). */
const DATABASE_NAMES: readonly string[] = [
  ...COLLECTIONS.map(recordDatabase),
  ...COLLECTIONS,
  ...INDEXES,
  META,
  LIST_LENGTHS,
  LIST_HISTOGRAM,
  CHANGES,
  SUMMARIES,
  SUMMARIES_DUE,
];

/** Series per transaction when a migration marks the summaries of an existing directory due. */
const SUMMARY_MIGRATION_SERIES = 50;

type Records = { [C in Collection]: Database<RecordOf<C>, string> };
type Indexes = { [I in IndexName]: Database<unknown, IndexKey> };

export interface IndexRow {
  key: IndexKey;
  value: unknown;
}

/** The entries one write transaction logs, and the log's retention. */
export interface ChangeLogWrite {
  drafts: readonly ChangeDraft[];
  options: ChangeLogOptions;
}

export interface OpenOptions {
  readOnly: boolean;
}

const corrupted = (dataDir: string, error: unknown): DataDirError => {
  const file = path.join(dataDir, DATA_FILE);
  return new DataDirError(
    'DATA_DIR_CORRUPTED',
    file,
    `${file} holds a record that cannot be read: ${(error as Error).message}`,
  );
};

/**
 * Adds up what one write transaction changes in the list lengths, then writes the totals once; notes the
 * series whose summaries the transaction must write again.
 */
class ListTally {
  readonly series = new Set<string>();
  private readonly lengths = new Map<string, { kind: string; holder: string; delta: number }>();
  private readonly histogram = new Map<string, { kind: string; length: number; delta: number }>();

  count<C extends Collection>(collection: C, record: RecordOf<C>, delta: 1 | -1): void {
    const series = summarisedSeries(collection, record);
    if (series !== null) this.series.add(series);
    for (const [kind, holder] of membershipsOf(collection, record)) {
      const id = `${kind}\u0000${holder}`;
      const entry = this.lengths.get(id) ?? { kind, holder, delta: 0 };
      entry.delta += delta;
      this.lengths.set(id, entry);
    }
    for (const [kind, length] of ownListsOf(collection, record)) this.histogramAdd(kind, length, delta);
  }

  private histogramAdd(kind: string, length: number, delta: number): void {
    if (length <= 0) return;
    const id = `${kind}\u0000${length}`;
    const entry = this.histogram.get(id) ?? { kind, length, delta: 0 };
    entry.delta += delta;
    this.histogram.set(id, entry);
  }

  /** Inside the write transaction. */
  write(lengths: Database<number, IndexKey>, histogram: Database<number, IndexKey>): void {
    for (const { kind, holder, delta } of this.lengths.values()) {
      if (delta === 0) continue;
      const before = lengths.get([kind, holder]) ?? 0;
      const after = before + delta;
      if (after > 0) lengths.put([kind, holder], after);
      else lengths.remove([kind, holder]);
      this.histogramAdd(kind, before, -1);
      this.histogramAdd(kind, after, 1);
    }
    for (const { kind, length, delta } of this.histogram.values()) {
      if (delta === 0) continue;
      const n = (histogram.get([kind, length]) ?? 0) + delta;
      if (n > 0) histogram.put([kind, length], n);
      else histogram.remove([kind, length]);
    }
  }
}

/**
 * The lmdb side of the embedded store: a database of records per collection, an ordered index per
 * query, list lengths for listSizes, and a meta database with the layout's format and a version that
 * every write transaction bumps. Reads go to lmdb each time; nothing is copied into the heap.
 */
export class EmbeddedDatabase {
  /** Records decoded from lmdb so far (test support: opening decodes none). */
  decoded = 0;

  /** How many times this process closed and reopened lmdb to release the pages it had mapped. */
  releases = 0;
  private root!: RootDatabase;
  private records!: Records;
  private indexes!: Indexes;
  private meta!: Database<number, string>;
  private lengths!: Database<number, IndexKey>;
  private histogram!: Database<number, IndexKey>;
  private changes!: Database<ChangeEntry, number>;
  private summaries!: Database<SeriesSummary, string>;
  private due!: Database<number, string>;

  private constructor(
    root: RootDatabase,
    private readonly lock: DataDirLock | null,
    readonly dataDir: string,
    readonly readOnly: boolean,
  ) {
    this.bind(root);
  }

  /** Opens lmdb's environment in DATA_DIR; a writer's lock must be held already. */
  private static openRoot(dataDir: string, readOnly: boolean): RootDatabase {
    try {
      return open({ ...LMDB_OPTIONS, path: dataDir, readOnly });
    } catch (error) {
      throw fileSystemProblem(error, path.join(dataDir, DATA_FILE));
    }
  }

  /** Every sub-database of the layout, opened in `root`: each one this class reads or writes must be here. */
  private bind(root: RootDatabase): void {
    const sub = <C extends Collection>(collection: C) =>
      root.openDB<RecordOf<C>, string>({ name: recordDatabase(collection), ...RECORD_OPTIONS });
    const ordered = <V>(name: string) => root.openDB<V, IndexKey>({ name, encoding: 'msgpack' });
    this.root = root;
    this.records = {
      people: sub('people'),
      series: sub('series'),
      episodes: sub('episodes'),
      characters: sub('characters'),
      castings: sub('castings'),
      credits: sub('credits'),
      relationships: sub('relationships'),
      events: sub('events'),
    };
    this.indexes = Object.fromEntries(
      INDEXES.map((name) => [
        name,
        // Its values are the event facts, the only index values larger than a byte.
        name === 'eventsByPosition'
          ? root.openDB({ name, encoding: 'msgpack', compression: { threshold: COMPRESS_ABOVE } })
          : ordered(name),
      ]),
    ) as Indexes;
    this.meta = root.openDB<number, string>({ name: META, encoding: 'msgpack' });
    this.lengths = ordered(LIST_LENGTHS);
    this.histogram = ordered(LIST_HISTOGRAM);
    this.changes = root.openDB<ChangeEntry, number>({ name: CHANGES, encoding: 'msgpack' });
    this.summaries = root.openDB<SeriesSummary, string>({ name: SUMMARIES, encoding: 'msgpack' });
    this.due = root.openDB<number, string>({ name: SUMMARIES_DUE, encoding: 'msgpack' });
  }

  /**
   * A writer locks DATA_DIR (one writing process at a time), a reader takes no lock; both check an existing
   * data.mdb in a child process first. A writer migrates a directory of the earlier layout; throws DataDirError.
   */
  static async open(dataDir: string, { readOnly }: OpenOptions): Promise<EmbeddedDatabase> {
    if (!readOnly) ensureDirectory(dataDir);
    const lock = readOnly ? null : await DataDirLock.acquire(dataDir);
    try {
      lock?.holdDataFile(path.join(dataDir, DATA_FILE));
      await checkReadable(dataDir, DATABASE_NAMES, { write: !readOnly });
      if (!readOnly) forgetClosedCleanly(dataDir);
      const root = EmbeddedDatabase.openRoot(dataDir, readOnly);
      try {
        // A new directory's data file exists from here on.
        lock?.holdDataFile(path.join(dataDir, DATA_FILE));
        if (readOnly) EmbeddedDatabase.checkInitialised(root, dataDir);
        const database = new EmbeddedDatabase(root, lock, dataDir, readOnly);
        await database.checkFormat();
        return database;
      } catch (error) {
        await root.close();
        throw error;
      }
    } catch (error) {
      lock?.release();
      throw error;
    }
  }

  /** A reader creates nothing: the directory must hold a store a writer has opened (and so migrated). */
  private static checkInitialised(root: RootDatabase, dataDir: string): void {
    if (!Array.from(root.getKeys({ limit: 1000 })).includes(META)) {
      throw new DataDirError(
        'DATA_DIR_NEEDS_MIGRATION',
        dataDir,
        `DATA_DIR ${dataDir} holds no store of format ${FORMAT} yet; open it once with a writer (the service, or npm run migrate), then read it`,
        { format: null, expected: FORMAT },
      );
    }
  }

  /** Refuses a format this code does not know; a writer builds the indexes of an earlier one and marks its summaries due. */
  private async checkFormat(): Promise<void> {
    let format = this.meta.get(FORMAT_KEY);
    if (format === FORMAT) return;
    if (!MIGRATES_FROM.includes(format) || this.readOnly) {
      throw new DataDirError(
        MIGRATES_FROM.includes(format) ? 'DATA_DIR_NEEDS_MIGRATION' : 'DATA_DIR_FORMAT_UNSUPPORTED',
        this.dataDir,
        format === undefined
          ? `DATA_DIR ${this.dataDir} was written by an earlier layout; open it once with a writer to migrate it`
          : MIGRATES_FROM.includes(format)
            ? `DATA_DIR ${this.dataDir} has layout format ${String(format)}; open it once with a writer (the service, or npm run migrate) to migrate it to ${FORMAT}`
            : `DATA_DIR ${this.dataDir} has layout format ${String(format)}, which this version does not read (it reads ${FORMAT}); use the version that wrote it`,
        { format: format ?? null, expected: FORMAT },
      );
    }
    if (format !== INDEXED_FORMAT && format !== SUMMARISED_FORMAT) {
      await this.migrate();
      format = INDEXED_FORMAT;
    }
    // Format 4's summaries are all up to date; earlier formats kept none.
    if (format === INDEXED_FORMAT) await this.markEverySummaryDue();
    await this.commit(() => {
      this.meta.put(FORMAT_KEY, FORMAT);
      this.bumpVersion();
    });
  }

  /**
   * Drops the summaries an earlier format kept (none, or stale), then marks every series' summary due,
   * SUMMARY_MIGRATION_SERIES series per transaction. Stopped part-way, the format is still the earlier one and
   * the next writer starts again.
   */
  private async markEverySummaryDue(): Promise<void> {
    await this.commit(() => {
      for (const key of Array.from(this.summaries.getKeys())) this.summaries.remove(key);
    });
    const keys = Array.from(this.scanKeys('seriesBySlug', []), (key) => key[1] as string);
    for (let start = 0; start < keys.length; start += SUMMARY_MIGRATION_SERIES)
      await this.commit(() => this.markDue(keys.slice(start, start + SUMMARY_MIGRATION_SERIES)));
  }

  /**
   * Moves the records an earlier layout stored (none in a new directory) into this layout's record
   * databases, emptying the old ones, and indexes every record, in one transaction.
   */
  private async migrate(): Promise<void> {
    const present = new Set(Array.from(this.root.getKeys(), String));
    const legacy = COLLECTIONS.filter((c) => present.has(c));
    await this.commit(() => {
      try {
        for (const collection of legacy) {
          const old = this.root.openDB<unknown, string>({ name: collection, encoding: 'msgpack' });
          const records = this.records[collection] as Database<unknown, string>;
          for (const { key, value } of old.getRange()) records.put(key, value);
          for (const key of Array.from(old.getKeys())) old.remove(key);
        }
      } catch (error) {
        throw corrupted(this.dataDir, error);
      }
      for (const name of [...INDEXES])
        for (const key of Array.from(this.indexes[name].getKeys())) this.indexes[name].remove(key);
      for (const key of Array.from(this.lengths.getKeys())) this.lengths.remove(key);
      for (const key of Array.from(this.histogram.getKeys())) this.histogram.remove(key);
      const tally = new ListTally();
      try {
        for (const collection of COLLECTIONS) {
          for (const { value } of this.records[collection].getRange()) {
            this.decoded++;
            this.index(collection, value, tally);
          }
        }
      } catch (error) {
        throw corrupted(this.dataDir, error);
      }
      tally.write(this.lengths, this.histogram);
      this.meta.put(FORMAT_KEY, INDEXED_FORMAT);
      this.bumpVersion();
    });
  }

  /** Which state of the data reads now see: changes with every committed write, whatever process made it. */
  version(): number {
    return this.meta.get(VERSION_KEY) ?? 0;
  }

  record<C extends Collection>(collection: C, key: string): RecordOf<C> | undefined {
    if (!storable(key)) return undefined;
    let record: RecordOf<C> | undefined;
    try {
      record = this.records[collection].get(key);
    } catch (error) {
      throw corrupted(this.dataDir, error);
    }
    if (record === undefined) return undefined;
    this.decoded++;
    return withCurrentFields(collection, record);
  }

  /** The summary kept for each series; 'due' when it must be derived again; null when there is none (no such series). */
  keptSummaries(keys: readonly string[]): (SeriesSummary | 'due' | null)[] {
    return keys.map((key) => {
      if (!storable(key)) return null;
      return this.due.get(key) !== undefined ? 'due' : (this.summaries.get(key) ?? null);
    });
  }

  /** Up to `first` series whose summaries are due, with the serial each was marked with. */
  dueSummaries(first: number): { seriesKey: string; serial: number }[] {
    return Array.from(this.due.getRange({ limit: first }), ({ key, value }) => ({ seriesKey: key, serial: value }));
  }

  /**
   * Keeps a summary derived while the series' due serial was `serial` (null: the series is gone), unless a write
   * has marked it due again since. Moves no data version: reads already derived the same summary.
   */
  async keepSummary(seriesKey: string, serial: number, summary: SeriesSummary | null): Promise<boolean> {
    let kept = false;
    await this.commit(() => {
      if (this.due.get(seriesKey) !== serial) return;
      if (summary === null) this.summaries.remove(seriesKey);
      else this.summaries.put(seriesKey, summary);
      this.due.remove(seriesKey);
      kept = true;
    });
    return kept;
  }

  /** Up to `limit` keys of a collection after `afterKey` (null: from the start), in key order. */
  keysAfter(collection: Collection, afterKey: string | null, limit: number): string[] {
    const keys: string[] = [];
    if (limit <= 0 || (afterKey !== null && !storable(afterKey))) return keys;
    for (const key of this.records[collection].getKeys(afterKey === null ? {} : { start: afterKey })) {
      if (key === afterKey) continue;
      keys.push(key as string);
      if (keys.length === limit) break;
    }
    return keys;
  }

  /** The rows of an index whose keys start with `prefix`, in key order, from `from` (a key with that prefix) on. */
  *scan(index: IndexName, prefix: IndexKey, from: IndexKey = prefix): Generator<IndexRow> {
    if (!storable(prefix) || !storable(from)) return;
    for (const { key, value } of this.indexes[index].getRange(from.length > 0 ? { start: from } : {})) {
      if (!hasPrefix(key, prefix)) return;
      yield { key, value };
    }
  }

  /** The value of one row of an index, if it is there. */
  row(index: IndexName, key: IndexKey): unknown {
    return storable(key) ? this.indexes[index].get(key) : undefined;
  }

  /** The keys of an index's rows that start with `prefix`, in key order, from `from` on (values are not decoded). */
  *scanKeys(index: IndexName, prefix: IndexKey, from: IndexKey = prefix): Generator<IndexKey> {
    if (!storable(prefix) || !storable(from)) return;
    for (const key of this.indexes[index].getKeys(from.length > 0 ? { start: from } : {})) {
      if (!hasPrefix(key, prefix)) return;
      yield key;
    }
  }

  /** How many rows of an index start with `prefix` (from `from` on), counting no further than `atMost` (reads keys only). */
  count(index: IndexName, prefix: IndexKey, atMost = Number.POSITIVE_INFINITY, from: IndexKey = prefix): number {
    let n = 0;
    for (const _ of this.scanKeys(index, prefix, from)) if (++n >= atMost) break;
    return n;
  }

  counts(): GraphCounts {
    // entryCount includes the shared structures' entry once a record was written.
    const n = (c: Collection) => ({
      length:
        (this.records[c].getStats() as { entryCount: number }).entryCount -
        ((this.records[c] as unknown as Database<unknown, Key>).doesExist(STRUCTURES) ? 1 : 0),
    });
    return countsOf({
      people: n('people'),
      series: n('series'),
      episodes: n('episodes'),
      characters: n('characters'),
      castings: n('castings'),
      credits: n('credits'),
      relationships: n('relationships'),
      events: n('events'),
    });
  }

  /** The largest length of each kind of list, from the histogram's last row per kind. */
  listSizes(): ListSizes {
    const largest = (kind: string): number => {
      for (const { key } of this.histogram.getRange({
        start: [kind, Number.MAX_VALUE],
        end: [kind],
        reverse: true,
        limit: 1,
      }))
        return key[1] as number;
      return 0;
    };
    return Object.fromEntries(LIST_SIZE_KEYS.map((kind) => [kind, largest(kind)])) as unknown as ListSizes;
  }

  /** How many records `holder`'s list of `kind` has (0: none). */
  listLength(kind: keyof ListSizes, holder: string): number {
    return this.lengths.get([kind, holder]) ?? 0;
  }

  /** The longest list of `kind` among the holders whose keys start with `prefix`: one cursor over those holders. */
  longestListUnder(kind: keyof ListSizes, prefix: string): number {
    let most = 0;
    for (const { value } of this.lengths.getRange({ start: [kind, prefix], end: [kind, `${prefix}\uffff`] }))
      most = Math.max(most, value);
    return most;
  }

  /** Puts every record and logs `changes` in one abortable transaction; resolves once it is committed and synced. */
  async write(document: GraphDocument, changes: ChangeLogWrite, onStep?: (step: ImportStep) => void): Promise<void> {
    await this.commit(() => {
      const tally = new ListTally();
      const unchanged = new Set<string>();
      for (const collection of COLLECTIONS) {
        const records = document[collection];
        for (const record of records) this.put(collection, record, tally, unchanged);
        onStep?.({ collection, done: records.length, total: records.length });
      }
      this.markDue(tally.series);
      this.commitTally(tally, unchanged.size < rowsOf(document));
      this.logChanges(changes, unchanged);
    });
  }

  /** Removes, puts and logs `changes` in one transaction; resolves once it is committed and synced. */
  async apply(
    deletes: { [C in Collection]: readonly string[] },
    upserts: GraphDocument,
    changes: ChangeLogWrite,
  ): Promise<void> {
    await this.commit(() => {
      const tally = new ListTally();
      const unchanged = new Set<string>();
      const absent = new Set<string>();
      let removed = 0;
      for (const collection of COLLECTIONS)
        for (const key of deletes[collection])
          if (this.remove(collection, key, tally)) removed += 1;
          else absent.add(recordId(collection, key));
      for (const collection of COLLECTIONS)
        for (const record of upserts[collection]) this.put(collection, record, tally, unchanged);
      this.markDue(tally.series);
      this.commitTally(tally, removed > 0 || unchanged.size < rowsOf(upserts));
      this.logChanges(changes, unchanged, absent);
    });
  }

  changeLogBounds(): ChangeLogBounds {
    let oldest: number | null = null;
    for (const key of this.changes.getKeys({ limit: 1 })) oldest = key;
    return { oldest, latest: this.meta.get(LATEST_CHANGE_KEY) ?? 0 };
  }

  /** Up to `first` entries after `from` (null: before the oldest kept) that pass `keep`, and how far the scan got (one snapshot: the caller's read transaction). */
  async changesAfter(
    from: number | null,
    first: number,
    keep: (entry: ChangeEntry) => boolean,
    turns?: ScanTurns,
  ): Promise<{ items: ChangeEntry[]; hasNextPage: boolean; through: number; bounds: ChangeLogBounds }> {
    const bounds = this.changeLogBounds();
    const after = from ?? (bounds.oldest ?? bounds.latest + 1) - 1;
    const items: ChangeEntry[] = [];
    // Entries up to bounds.latest never change, so a long scan may pause and go on after the last one it read.
    for (let start = after + 1; ; ) {
      let scanned = 0;
      let pausedAt: number | null = null;
      for (const { key, value } of this.changes.getRange({ start })) {
        if (key > bounds.latest) break;
        if (keep(value)) {
          if (items.length === first)
            return { items, hasNextPage: true, through: items.at(-1)?.cursor ?? after, bounds };
          items.push(value);
        }
        if (turns !== undefined && ++scanned % ROWS_PER_CHECK === 0 && turns.due()) {
          pausedAt = key;
          break;
        }
      }
      if (pausedAt === null || turns === undefined) break;
      await turns.take();
      start = pausedAt + 1;
    }
    return { items, hasNextPage: false, through: Math.max(bounds.latest, after), bounds };
  }

  /** Inside a write transaction: appends the entries, then prunes a bounded number of expired ones, oldest first. */
  private logChanges(
    { drafts: all, options }: ChangeLogWrite,
    unchanged: ReadonlySet<string>,
    absent?: ReadonlySet<string>,
  ): void {
    const drafts = changedDrafts(all, unchanged, absent);
    if (drafts.length === 0) return;
    const at = (options.now ?? Date.now)();
    let cursor = this.meta.get(LATEST_CHANGE_KEY) ?? 0;
    for (const draft of drafts) {
      cursor += 1;
      this.changes.put(cursor, { cursor, at, ...draft });
    }
    this.meta.put(LATEST_CHANGE_KEY, cursor);
    const cutoff = at - options.retentionMs;
    for (const { key, value } of this.changes.getRange({ limit: pruneLimit(drafts.length) })) {
      if (value.at >= cutoff) break;
      this.changes.remove(key);
    }
  }

  async clear(): Promise<void> {
    await this.commit(() => {
      const dbs: Database<unknown, Key>[] = [
        ...COLLECTIONS.map((c) => this.records[c]),
        ...INDEXES.map((i) => this.indexes[i]),
        this.lengths,
        this.histogram,
        this.changes,
        this.summaries,
        this.due,
      ];
      this.meta.remove(LATEST_CHANGE_KEY);
      for (const db of dbs) for (const key of Array.from(db.getKeys())) db.remove(key);
      this.bumpVersion();
    });
  }

  /**
   * Runs `work` in one abortable write transaction and waits until it is committed and synced. A commit
   * lmdb cannot finish (ENOSPC, EIO) rejects lmdb's own promises too, which nothing else awaits and which
   * would end the process as unhandled rejections; they are handled here and the write fails with
   * STORE_WRITE_FAILED.
   */
  private async commit(work: () => void): Promise<void> {
    try {
      await this.root.childTransaction(work);
      await this.root.flushed;
    } catch (error) {
      const commitError = (error as { commitError?: Promise<unknown> } | null)?.commitError;
      if (commitError === undefined) throw error;
      // lmdb's batch promise of this event turn rejects with the same failure and has no other handler.
      this.root.committed.then(undefined, () => undefined);
      const cause = await Promise.race([
        commitError.then(
          () => null,
          (reason: unknown) => reason,
        ),
        new Promise<null>((resolve) => setImmediate(resolve, null)),
      ]);
      throw new StoreWriteFailedError('embedded', commitFailure(cause));
    }
  }

  /** Bytes of data.mdb this process has mapped and resident now; null where it cannot tell (not Linux). */
  mappedBytes(): number | null {
    return residentMappedBytes(path.join(this.dataDir, DATA_FILE));
  }

  /**
   * Closes lmdb's environment and opens it again, DATA_DIR's lock held throughout: the kernel then unmaps
   * the pages of data.mdb this process had touched, which count in its RSS while the environment is open.
   * Only while nothing else reads or writes: a read still using the closed environment would throw.
   */
  async releaseMapping(): Promise<void> {
    await this.root.close();
    this.bind(EmbeddedDatabase.openRoot(this.dataDir, this.readOnly));
    this.releases++;
  }

  async close(): Promise<void> {
    try {
      await this.root.close();
      if (!this.readOnly) markClosedCleanly(this.dataDir);
    } finally {
      this.lock?.release();
    }
  }

  /** Moves the data version only when a record changed, so that a write of the same data keeps every cache. */
  private commitTally(tally: ListTally, changed: boolean): void {
    tally.write(this.lengths, this.histogram);
    if (changed) this.bumpVersion();
  }

  private bumpVersion(): void {
    this.meta.put(VERSION_KEY, (this.meta.get(VERSION_KEY) ?? 0) + 1);
  }

  /**
   * Inside a write transaction: marks these series' summaries due, with a serial no earlier mark had. Deriving one
   * here read every trope-kind event of the series, and held the event loop 0.2–1.2 s for a series of 60,000
   * events (red team 58).
   */
  private markDue(seriesKeys: Iterable<string>): void {
    const keys = [...seriesKeys].filter((key) => storable(key));
    if (keys.length === 0) return;
    const serial = (this.meta.get(DUE_SERIAL_KEY) ?? 0) + 1;
    this.meta.put(DUE_SERIAL_KEY, serial);
    for (const key of keys) this.due.put(key, serial);
  }

  /** Puts the record, unless the stored one is the same: then it notes it in `unchanged` and writes nothing. */
  private put<C extends Collection>(
    collection: C,
    record: RecordOf<C>,
    tally: ListTally,
    unchanged: Set<string>,
  ): void {
    if (storable(record.key) && sameRecord(this.storedAsIs(collection, record.key), record)) {
      unchanged.add(recordId(collection, record.key));
      return;
    }
    this.remove(collection, record.key, tally);
    this.records[collection].put(record.key, record);
    this.index(collection, record, tally);
  }

  /** The record as stored (no migration to the current shape); undefined when there is none or it does not decode (remove then says so). */
  private storedAsIs<C extends Collection>(collection: C, key: string): unknown {
    try {
      return this.records[collection].get(key);
    } catch {
      return undefined;
    }
  }

  /** Removes the record and its index entries; false when there was none. */
  private remove<C extends Collection>(collection: C, key: string, tally: ListTally): boolean {
    const previous = this.record(collection, key);
    if (previous === undefined) return false;
    for (const entry of entriesOf(collection, previous)) this.indexes[entry.index].remove(entry.key);
    tally.count(collection, previous, -1);
    this.records[collection].remove(key);
    return true;
  }

  private index<C extends Collection>(collection: C, record: RecordOf<C>, tally: ListTally): void {
    for (const entry of entriesOf(collection, record)) this.indexes[entry.index].put(entry.key, entry.value);
    tally.count(collection, record, 1);
  }
}

function hasPrefix(key: IndexKey, prefix: IndexKey): boolean {
  if (!Array.isArray(key) || key.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (key[i] !== prefix[i]) return false;
  return true;
}

/**
 * Records written before a field existed read back with its current shape: no external ids, no stated first
 * episode, their one source as a list, their one text and their aliases as revealed from the start, and STATED.
 */
function withCurrentFields<C extends Collection>(collection: C, record: RecordOf<C>): RecordOf<C> {
  const legacy = record as unknown as Record<string, unknown>;
  if (Array.isArray(legacy.sources) && isCurrent(collection, legacy)) return record;
  const { source, ...current } = legacy;
  const r: Record<string, unknown> = { ...current };
  if (!Array.isArray(r.sources)) r.sources = source == null ? [] : [source];
  if (collection === 'people' || collection === 'series') r.externalIds ??= externalIdsOf(undefined);
  if (collection === 'characters') {
    r.firstEpisode ??= null;
    r.description = revisionsOf(r.description);
    r.aliases = aliasesOf(r.aliases);
  }
  if (collection === 'relationships') {
    r.note = revisionsOf(r.note);
    r.revealedIn ??= null;
  }
  if (JUDGED.has(collection)) {
    r.certainty ??= 'STATED';
    r.basis = revisionsOf(r.basis);
  }
  return r as unknown as RecordOf<C>;
}

function isCurrent(collection: Collection, r: Record<string, unknown>): boolean {
  if (JUDGED.has(collection) && (r.certainty === undefined || !Array.isArray(r.basis))) return false;
  if (collection === 'people' || collection === 'series') return r.externalIds !== undefined;
  if (collection === 'characters')
    return (
      r.firstEpisode !== undefined &&
      Array.isArray(r.description) &&
      Array.isArray(r.aliases) &&
      r.aliases.every((a) => typeof a === 'object')
    );
  if (collection === 'relationships') return Array.isArray(r.note) && r.revealedIn !== undefined;
  return true;
}

const JUDGED: ReadonlySet<Collection> = new Set(['characters', 'castings', 'relationships', 'events']);
/** Aliases written as plain names are known from the start. */
const aliasesOf = (aliases: unknown) =>
  (Array.isArray(aliases) ? aliases : []).map((a) => (typeof a === 'string' ? { name: a, fromEpisode: 1 } : a));
const revisionsOf = (text: unknown) =>
  Array.isArray(text) ? text : text == null ? [] : [{ fromEpisode: 1, text: String(text) }];

/**
 * Whether a key (or every string in an index key) is short enough to be one: no stored key is near this
 * (slugs are at most 120 characters), and lmdb refuses much longer ones, so a hostile id finds nothing.
 */
const MAX_KEY_CHARS = 1_000;
/** How many records a document holds, in all collections. */
const rowsOf = (document: GraphDocument): number => COLLECTIONS.reduce((n, c) => n + document[c].length, 0);

function storable(key: string | IndexKey): boolean {
  const parts: unknown[] = Array.isArray(key) ? key : [key];
  return parts.every((part) => typeof part !== 'string' || part.length <= MAX_KEY_CHARS);
}
