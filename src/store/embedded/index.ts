import {
  type ChangeEntry,
  type ChangeLogBounds,
  type ChangeLogOptions,
  changeDrafts,
  DEFAULT_CHANGE_RETENTION_MS,
} from '../../domain/change-log.js';
import type { Collection, RecordOf } from '../../domain/collections.js';
import { countsOf } from '../../domain/collections.js';
import { type ChangeSet, changeSet, touchedSeries } from '../../domain/integrity/changes.js';
import { planChanges } from '../../domain/integrity/plan.js';
import { episodeKeyPrefix, seriesOf } from '../../domain/keys.js';
import type { ListSizes, SeriesListSizes } from '../../domain/list-sizes.js';
import { eventWeight, type Neighbourhood, SEARCH_MAX_WEIGHT, SearchTooLarge } from '../../domain/paths.js';
import type {
  CastingRecord,
  CharacterRecord,
  CreditRecord,
  EpisodeRecord,
  GraphCounts,
  GraphDocument,
  PersonRecord,
  PlotEventRecord,
  RelationshipRecord,
  SeriesRecord,
} from '../../domain/records.js';
import type { Searchable } from '../../domain/search/keys.js';
import type { SeriesSummary } from '../../domain/series-summary.js';
import { episodeVisible, progressOf, type VisibleThrough } from '../../domain/spoilers.js';
import { StoreUnavailableError } from '../../errors.js';
import { SeriesJournal } from '../journal.js';
import type {
  ChangesPage,
  ChangesRequest,
  CharacterEventsQuery,
  DramaStore,
  EpisodeEventsQuery,
  EventsPage,
  EventsPageRequest,
  FirstShown,
  ImportStep,
  LaterEventsQuery,
  Page,
  PeoplePageRequest,
  PlannedAnswer,
  PlannedRead,
  RelationshipQuery,
  SearchRequest,
  SeriesEventsPageRequest,
  SeriesEventsQuery,
  SeriesPageRequest,
  StateTag,
} from '../port.js';
import { publishRoundTrip } from '../round-trips.js';
import { DataDirError } from './data-dir.js';
import { EmbeddedDatabase } from './database.js';
import type { IndexKey, IndexName } from './layout.js';
import {
  DataMovedError,
  episodeEvents,
  eventsPage,
  firstShown,
  nextSharedTurn,
  readPlanned,
  relationshipsAt,
  seriesPage,
  sliceOver,
  Turns,
} from './planned.js';
import { ofKinds, ROWS_PER_CHECK, type ScanTurns, takesPart } from './queries.js';
import { EmbeddedReads } from './reads.js';
import { searchCandidates } from './search.js';
import { EmbeddedStoryView } from './story-view.js';
import { deriveSummary, SummaryKeeper } from './summaries.js';

export interface EmbeddedStoreOptions {
  dataDir: string;
  /**
   * Open without DATA_DIR's writer lock, beside the process that writes: reads only, and writes throw
   * DataDirError DATA_DIR_READ_ONLY. Any number of readers may open a directory; one writer at a time.
   */
  readOnly?: boolean;
  /** How long the change log keeps entries (default 7 days), and its clock. */
  changeLog?: ChangeLogOptions;
  /**
   * A writer derives the summaries its writes mark due in the background (default true); false leaves them to
   * `settleSummaries`, for a command that writes and then exits.
   */
  summariesInBackground?: boolean;
}

/**
 * Opens the store; reads no record. Throws DataDirError when DATA_DIR is held by another writer, is not a
 * usable directory, its data.mdb is damaged, or its layout is one this version does not read.
 */
export async function openEmbeddedStore(options: EmbeddedStoreOptions): Promise<EmbeddedStore> {
  return new EmbeddedStore(
    await EmbeddedDatabase.open(options.dataDir, { readOnly: options.readOnly ?? false }),
    options.changeLog,
    options.summariesInBackground ?? true,
  );
}

/** A long read's tries at one snapshot. */
const LONG_READ_ATTEMPTS = 3;

/**
 * Turns of the event loop for a scan that keeps no snapshot (the change log's entries never change): a filter that
 * matches few entries read the whole log in one go, and held /health for a second (red team 56).
 */
function loopTurns(signal: AbortSignal | undefined): ScanTurns {
  return {
    due: sliceOver,
    take: async () => {
      await nextSharedTurn();
      signal?.throwIfAborted();
    },
  };
}

/** How often the state tag's epoch turns, so that derived caches look for other processes' writes. */
const STATE_TAG_TTL_MS = 5_000;

/**
 * The zero-setup store: lmdb in a data directory, every read served from lmdb's ordered indexes (see
 * layout.ts) through a small bounded cache; writes in lmdb transactions, one at a time.
 */
export class EmbeddedStore implements DramaStore {
  readonly kind = 'embedded' as const;
  private trips = 0;
  private writeCount = 0;
  private closing: Promise<void> | null = null;
  private writes: Promise<unknown> = Promise.resolve();
  private readonly reads: EmbeddedReads;
  private readonly summaryKeeper: SummaryKeeper;
  readonly journal = new SeriesJournal();

  constructor(
    private readonly database: EmbeddedDatabase,
    private readonly changeLog: ChangeLogOptions = { retentionMs: DEFAULT_CHANGE_RETENTION_MS },
    summariesInBackground = true,
  ) {
    this.reads = new EmbeddedReads(database);
    this.summaryKeeper = new SummaryKeeper(
      database,
      this.reads,
      (work) => this.inWriteOrder(work),
      summariesInBackground && !database.readOnly,
    );
    // Summaries an earlier process left due (it stopped first, or migrated the directory).
    this.summaryKeeper.kick();
  }

  get roundTrips(): number {
    return this.trips;
  }

  /** Test support: how many records were decoded from lmdb since the store opened. */
  get recordsDecoded(): number {
    return this.database.decoded;
  }

  /** This process's writes change it at once; the clock turns it every STATE_TAG_TTL_MS for other processes' writes. */
  get stateTag(): StateTag {
    return { writes: `${this.writeCount}`, epoch: Math.floor(Date.now() / STATE_TAG_TTL_MS) };
  }

  /** A writer holds DATA_DIR's lock: no other process writes while it is open. */
  get soleWriter(): boolean {
    return !this.database.readOnly;
  }

  /** The version every write transaction bumps in lmdb, whichever process commits it. */
  dataVersion = async (): Promise<string> => {
    this.ensureOpen();
    return `${this.database.version()}`;
  };

  seriesByKeys = (keys: readonly string[]) => this.byKeys('series', keys);
  episodesByKeys = (keys: readonly string[]) => this.byKeys('episodes', keys);
  charactersByKeys = (keys: readonly string[]) => this.byKeys('characters', keys);
  peopleByKeys = (keys: readonly string[]) => this.byKeys('people', keys);
  relationshipsByKeys = (keys: readonly string[]) => this.byKeys('relationships', keys);
  eventsByKeys = (keys: readonly string[]) => this.byKeys('events', keys);

  episodesBySeries = (keys: readonly string[], signal?: AbortSignal) =>
    this.grouped<EpisodeRecord>('episodes', 'episodesBySeries', keys, signal);
  charactersBySeries = (keys: readonly string[], signal?: AbortSignal) =>
    this.grouped<CharacterRecord>('characters', 'charactersBySeries', keys, signal);
  castingsBySeries = (keys: readonly string[], signal?: AbortSignal) =>
    this.grouped<CastingRecord>('castings', 'castingsBySeries', keys, signal);
  castingsByPerson = (keys: readonly string[], signal?: AbortSignal) =>
    this.grouped<CastingRecord>('castings', 'castingsByPerson', keys, signal);
  castingsByCharacter = (keys: readonly string[], signal?: AbortSignal) =>
    this.grouped<CastingRecord>('castings', 'castingsByCharacter', keys, signal);
  creditsBySeries = (keys: readonly string[], signal?: AbortSignal) =>
    this.grouped<CreditRecord>('credits', 'creditsBySeries', keys, signal);
  creditsByPerson = (keys: readonly string[], signal?: AbortSignal) =>
    this.grouped<CreditRecord>('credits', 'creditsByPerson', keys, signal);
  relationshipsOfSeries = (keys: readonly string[], signal?: AbortSignal) =>
    this.grouped<RelationshipRecord>('relationships', 'relationshipsBySeries', keys, signal);
  eventsOfSeries = (keys: readonly string[], signal?: AbortSignal) =>
    this.grouped<PlotEventRecord>('events', 'eventsByPosition', keys, signal);
  async eventsOfSeriesAfter({ seriesKey, after, first }: SeriesEventsPageRequest): Promise<PlotEventRecord[]> {
    const reads = this.read();
    return reads.present('events', reads.seriesEventKeysAfter(seriesKey, after, first));
  }

  relationshipHistories = (keys: readonly string[], signal?: AbortSignal) =>
    this.grouped<RelationshipRecord>('relationships', 'relationshipsByCharacter', keys, signal);

  async firstShown(keys: readonly string[]): Promise<FirstShown[]> {
    this.read();
    return keys.map((key) => firstShown(this.database, key));
  }

  async laterEventCounts(queries: readonly LaterEventsQuery[]): Promise<number[]> {
    this.read();
    return queries.map(({ characterKey, afterEpisode }) =>
      this.database.count('eventsByCharacter', [characterKey], Number.POSITIVE_INFINITY, [
        characterKey,
        seriesOf(characterKey),
        afterEpisode + 1,
      ]),
    );
  }

  async listPeople({ first, afterKey }: PeoplePageRequest): Promise<PersonRecord[]> {
    const reads = this.read();
    return reads.present('people', this.database.keysAfter('people', afterKey, first));
  }

  async relationshipsOf(queries: readonly RelationshipQuery[]): Promise<RelationshipRecord[][]> {
    const reads = this.read();
    return queries.map((q) => relationshipsAt(reads, q.characterKey, q.asOfEpisode));
  }

  async eventsOfEpisodes(queries: readonly EpisodeEventsQuery[]): Promise<PlotEventRecord[][]> {
    const reads = this.read();
    return queries.map((q) => episodeEvents(reads, q));
  }

  eventsOfSeriesByKind(queries: readonly SeriesEventsQuery[], signal?: AbortSignal): Promise<PlotEventRecord[][]> {
    return this.inTurns(
      'events',
      async (turns) => {
        const lists: string[][] = [];
        for (const q of queries)
          lists.push(await this.reads.eventKeysInTurns('eventsByPosition', [q.seriesKey], q.kinds, turns));
        return lists;
      },
      signal,
    );
  }

  /**
   * The summaries the store keeps, over one snapshot: a series written since its summary was kept has its summary
   * derived from its story here (see SummaryKeeper), so no record of any other story is decoded.
   */
  seriesSummaries = (keys: readonly string[], signal?: AbortSignal): Promise<(SeriesSummary | null)[]> =>
    this.inSnapshot(signal, async (turns) => {
      const summaries: (SeriesSummary | null)[] = [];
      for (const [i, kept] of this.database.keptSummaries(keys).entries())
        if (kept !== 'due') summaries.push(kept);
        // The last attempt, after writes moved the data under two, derives its own in one go (see inSnapshot).
        else
          summaries.push(
            await (turns ? this.summaryKeeper.derive(keys[i]!) : deriveSummary(this.reads, keys[i]!, undefined)),
          );
      return summaries;
    });

  /** Derives and keeps every summary the writes so far marked due (for a command that writes, then exits). */
  settleSummaries(): Promise<void> {
    this.ensureOpen();
    return this.summaryKeeper.settle();
  }

  async eventsOfCharacters(queries: readonly CharacterEventsQuery[]): Promise<PlotEventRecord[][]> {
    const reads = this.read();
    return queries.map((q) => {
      const rows = reads
        .eventRows('eventsByCharacter', [q.characterKey])
        .filter((e) => ofKinds(e, q.kinds) && takesPart(e, q.characterKey, q.role));
      return reads.present(
        'events',
        rows.map((e) => e.key),
      );
    });
  }

  async searchCandidates(request: SearchRequest): Promise<Searchable[]> {
    const reads = this.read();
    const collectionOf = { series: 'series', episode: 'episodes', character: 'characters', person: 'people' } as const;
    return searchCandidates(this.database, request).flatMap(({ type, key }) => {
      const record = reads.record(collectionOf[type], key);
      return record === null ? [] : [{ type, record } as Searchable];
    });
  }

  /**
   * One snapshot's neighbourhoods, a turn of the event loop whenever the process's slice is over: a search's hop over
   * a long series' characters reads thousands of events each, and read at once it held /health for 1 to 12 s (red
   * team 57). A write during it starts it again, the last of LONG_READ_ATTEMPTS in one turn. Events weighing more than
   * SEARCH_MAX_WEIGHT in one call fail with SearchTooLarge: their keys are counted before any is read (an event weighs
   * one at least), and their weight as they are read, so that no more than the bound is ever held. Events after
   * `visibleThrough` are left out by their index keys ([character, series, episode, …]), neither read nor weighed.
   */
  neighbourhoods(
    keys: readonly string[],
    signal?: AbortSignal,
    visibleThrough: readonly VisibleThrough[] | null = null,
  ): Promise<Neighbourhood[]> {
    const progress = progressOf(visibleThrough);
    const shown = (key: IndexKey) => episodeVisible(progress, key[1] as string, key[2] as number);
    return this.inSnapshot(signal, async (turns) => {
      const reads = this.reads;
      const eventKeys: string[][] = [];
      let weight = 0;
      for (const key of keys) {
        eventKeys.push(await reads.keysInTurns('eventsByCharacter', [key], turns, shown));
        weight += eventKeys.at(-1)!.length;
        if (weight > SEARCH_MAX_WEIGHT) throw new SearchTooLarge();
      }
      weight = 0;
      const weigh = (event: PlotEventRecord) => {
        weight += eventWeight(event);
        if (weight > SEARCH_MAX_WEIGHT) throw new SearchTooLarge();
      };
      // The characters of one hop share most of their events: each is read once, however many neighbourhoods hold it.
      const events = await reads.presentInTurns('events', eventKeys, turns, { once: true, each: weigh });
      const found: Neighbourhood[] = [];
      for (const [i, key] of keys.entries()) {
        if (turns?.due()) await turns.take();
        found.push({
          relationships: await reads.listedInTurns('relationships', 'relationshipsByCharacter', [[key]], turns),
          events: events[i]!,
          castings: [
            ...(await reads.listedInTurns('castings', 'castingsByCharacter', [[key]], turns)),
            ...(await reads.listedInTurns('castings', 'castingsByPerson', [[key]], turns)),
          ],
        });
      }
      return found;
    });
  }

  async listSeries(request: SeriesPageRequest): Promise<Page<SeriesRecord>> {
    return seriesPage(this.read(), this.database, request);
  }

  /**
   * One snapshot's page, in turns of the event loop when it scans long (a filter with no series, character or
   * episode reads every event); a write during it starts it again, and the last of LONG_READ_ATTEMPTS in one turn.
   */
  findEvents(request: EventsPageRequest, signal?: AbortSignal): Promise<EventsPage> {
    return this.inSnapshot(signal, (turns) => eventsPage(this.reads, this.database, request, turns));
  }

  /**
   * One round trip: `read` over one snapshot, taking turns as `turns` says; a write during it (DataMovedError) starts
   * it again, and the last of LONG_READ_ATTEMPTS runs in one turn (no turns), so that every answer is of one snapshot.
   */
  private async inSnapshot<T>(signal: AbortSignal | undefined, read: (turns?: Turns) => Promise<T>): Promise<T> {
    this.trip();
    for (let attempt = 1; ; attempt += 1) {
      const version = this.reads.refresh();
      try {
        return await read(attempt === LONG_READ_ATTEMPTS ? undefined : new Turns(this.reads, version, signal));
      } catch (error) {
        if (!(error instanceof DataMovedError)) throw error;
      }
    }
  }

  readPlanned(read: PlannedRead, signal?: AbortSignal): Promise<PlannedAnswer> {
    return readPlanned(this.read(), this.database, read, signal);
  }

  async importDocument(document: GraphDocument, onStep?: (step: ImportStep) => void): Promise<GraphCounts> {
    this.trip();
    this.writable();
    return this.exclusive(async () => {
      const drafts = changeDrafts(changeSet({ upserts: document }), null);
      await this.database.write(document, { drafts, options: this.changeLog }, onStep);
      return countsOf(document);
    }, null);
  }

  async applyChanges(changes: ChangeSet, actor: string | null = null): Promise<ChangeSet> {
    this.trip();
    this.writable();
    let touched: Iterable<string> | null = [];
    return this.exclusive(
      async () => {
        this.reads.refresh();
        const plan = await planChanges(changes, new EmbeddedStoryView(this.reads));
        touched = touchedSeries(plan);
        await this.database.apply(plan.deletes, plan.upserts, {
          drafts: changeDrafts(plan, actor),
          options: this.changeLog,
        });
        return plan;
      },
      () => touched,
    );
  }

  async changesAfter({ after, series, collections, first, signal }: ChangesRequest): Promise<ChangesPage> {
    this.trip();
    const keep = (entry: ChangeEntry) =>
      (series === null || entry.series === series) && (collections === null || collections.includes(entry.collection));
    return this.database.changesAfter(after, Math.max(first, 0), keep, loopTurns(signal));
  }

  async changeLogBounds(): Promise<ChangeLogBounds> {
    this.ensureOpen();
    return this.database.changeLogBounds();
  }

  async counts(): Promise<GraphCounts> {
    this.trip();
    return this.database.counts();
  }

  /** Read from lmdb's list-length histogram: a few cursor seeks, so not counted as a round trip. */
  async listSizes(): Promise<ListSizes> {
    this.ensureOpen();
    return this.database.listSizes();
  }

  /**
   * From the list lengths each write keeps, as one round trip: a few reads per series, and per character its
   * record (for its aliases) and three lengths, in the process's slices of the event loop (sizes to cost by, so a
   * write between turns may show in part).
   */
  async seriesListSizes(seriesKeys: readonly string[]): Promise<(SeriesListSizes | null)[]> {
    const reads = this.read();
    const sized: (SeriesListSizes | null)[] = [];
    let read = 0;
    for (const record of reads.records('series', seriesKeys)) {
      if (record === null) {
        sized.push(null);
        continue;
      }
      const length = (kind: keyof ListSizes) => this.database.listLength(kind, record.key);
      const sizes: SeriesListSizes = {
        episodesPerSeries: length('episodesPerSeries'),
        charactersPerSeries: length('charactersPerSeries'),
        castingsPerSeries: length('castingsPerSeries'),
        creditsPerSeries: length('creditsPerSeries'),
        starringPerSeries: record.starring.length,
        genresPerSeries: record.genres.length,
        platformsPerSeries: record.platforms.length,
        eventsPerEpisode: this.database.longestListUnder('eventsPerEpisode', episodeKeyPrefix(record.key)),
        aliasesPerCharacter: 0,
        castingsPerCharacter: 0,
        relationshipsPerCharacter: 0,
        eventsPerCharacter: 0,
      };
      for (const key of reads.keysIn('charactersBySeries', [record.key])) {
        if (++read % ROWS_PER_CHECK === 0 && sliceOver()) {
          await nextSharedTurn();
          reads.refresh();
        }
        sizes.aliasesPerCharacter = Math.max(
          sizes.aliasesPerCharacter,
          reads.record('characters', key)?.aliases.length ?? 0,
        );
        for (const kind of ['castingsPerCharacter', 'relationshipsPerCharacter', 'eventsPerCharacter'] as const)
          sizes[kind] = Math.max(sizes[kind], this.database.listLength(kind, key));
      }
      sized.push(sizes);
    }
    return sized;
  }

  async deleteEverything(): Promise<void> {
    this.ensureOpen();
    this.writable();
    return this.exclusive(() => this.database.clear(), null);
  }

  async ping(): Promise<void> {
    this.ensureOpen();
  }

  /** Bytes of data.mdb this process has mapped and resident now; null where it cannot tell (not Linux). */
  mappedBytes(): number | null {
    this.ensureOpen();
    return this.database.mappedBytes();
  }

  /** How many times releaseMapping reopened lmdb since the store opened. */
  get mappingReleases(): number {
    return this.database.releases;
  }

  /**
   * Unmaps the pages of data.mdb this process touched (they count in its RSS) by closing lmdb and opening it
   * again, DATA_DIR's lock held throughout; waits for the writes before it. For a process that reads and
   * writes one thing at a time (npm run import, npm run export), never under concurrent reads: a read that
   * overlaps it throws.
   */
  async releaseMapping(): Promise<void> {
    this.ensureOpen();
    await this.summaryKeeper.pause();
    try {
      await this.inWriteOrder(() => this.database.releaseMapping());
    } finally {
      this.summaryKeeper.resume();
    }
  }

  close(): Promise<void> {
    this.closing ??= this.summaryKeeper.pause().then(() => this.inWriteOrder(() => this.database.close()));
    return this.closing;
  }

  private async byKeys<C extends Collection>(collection: C, keys: readonly string[]): Promise<(RecordOf<C> | null)[]> {
    return this.read().records(collection, keys);
  }

  private async grouped<T>(
    collection: Collection,
    index: IndexName,
    keys: readonly string[],
    signal?: AbortSignal,
  ): Promise<T[][]> {
    const keysOf = async (turns: Turns | undefined) => {
      const lists: string[][] = [];
      for (const key of keys) lists.push(await this.reads.keysInTurns(index, [key], turns));
      return lists;
    };
    return (await this.inTurns(collection, keysOf, signal)) as T[][];
  }

  /**
   * The records of each list of keys `keysOf` finds, over one snapshot in the process's slices of the event loop (see
   * presentInTurns): read at once, a series' 20,000 events held the loop for 0.15 s (red team 42).
   */
  private inTurns<C extends Collection>(
    collection: C,
    keysOf: (turns: Turns | undefined) => Promise<string[][]>,
    signal?: AbortSignal,
  ): Promise<RecordOf<C>[][]> {
    return this.inSnapshot(signal, async (turns) => this.reads.presentInTurns(collection, await keysOf(turns), turns));
  }

  /** One round trip: the reads of this call see one lmdb snapshot, taken now. */
  private read(): EmbeddedReads {
    this.trip();
    this.reads.refresh();
    return this.reads;
  }

  /**
   * Runs writes one at a time; the state tag moves when one starts and when it is over, and the journal records it.
   * Then the summaries it marked due are derived in the background.
   */
  private exclusive<T>(work: () => Promise<T>, series: (() => Iterable<string> | null) | null): Promise<T> {
    return this.inWriteOrder(async () => {
      this.writeCount++;
      try {
        return await work();
      } finally {
        this.journal.record(series === null ? null : series());
        this.writeCount++;
        this.summaryKeeper.kick();
      }
    });
  }

  /** Runs `work` after every write, release and close queued before it. */
  private inWriteOrder<T>(work: () => Promise<T>): Promise<T> {
    const result = this.writes.then(work, work);
    this.writes = result.catch(() => undefined);
    return result;
  }

  private writable(): void {
    if (this.database.readOnly) {
      throw new DataDirError(
        'DATA_DIR_READ_ONLY',
        this.database.dataDir,
        'this store was opened read-only (beside the process that writes to DATA_DIR); it cannot write',
      );
    }
  }

  private trip(): void {
    this.ensureOpen();
    this.trips++;
    publishRoundTrip();
  }

  private ensureOpen(): void {
    if (this.closing !== null) throw new StoreUnavailableError('embedded');
  }
}
