import {
  type ChangeLogBounds,
  type ChangeLogOptions,
  changeDrafts,
  changedDrafts,
  DEFAULT_CHANGE_RETENTION_MS,
} from '../../domain/change-log.js';
import { type ChangeSet, changeSet, touchedSeries } from '../../domain/integrity/changes.js';
import { LIST_SIZE_KEYS, type ListSizes, SERIES_LIST_KEYS, type SeriesListSizes } from '../../domain/list-sizes.js';
import { type Neighbourhood, SEARCH_MAX_WEIGHT, SearchTooLarge } from '../../domain/paths.js';
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
import { type SeriesSummary, summaryOf } from '../../domain/series-summary.js';
import type { VisibleThrough } from '../../domain/spoilers.js';
import { TROPE_EVENT_KINDS } from '../../domain/tropes.js';
import { BILLING_RANK, CREDIT_ROLE_RANK } from '../../domain/vocabulary.js';
import { StoreTimeoutError } from '../../errors.js';
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
import { lists, sharedLists, singles } from './batches.js';
import { changeLogBounds, changesAfter, logChangesIn } from './change-log.js';
import { applyChangesIn, lockWhatChanges } from './changes.js';
import { findEventsQuery } from './cypher-events.js';
import * as knowledgeCypher from './cypher-knowledge.js';
import { firstShownByKeys, plannedQuery } from './cypher-planned.js';
import * as readCypher from './cypher-read.js';
import * as writeCypher from './cypher-write.js';
import * as decode from './decode.js';
import { toNeighbourhood, toSearchable } from './decode-knowledge.js';
import { toPlannedAnswer } from './decode-planned.js';
import { Neo4jConnection, type Neo4jDriverOptions, type Params, type Row } from './driver.js';
import { importInto, importParts, rowCount, TRANSACTION_ROWS } from './importer.js';
import { unchangedRecords } from './stored.js';
import { toNumber } from './values.js';

/** Maps one returned item (a property map, or a positional list for events) to a record. */
type Mapper<T> = (item: never) => T;

/** The list sizes named by `keys`, as numbers, from a returned row (0 where it has none). */
const sizesOf = <K extends string>(keys: readonly K[], row: Record<string, unknown>) =>
  Object.fromEntries(keys.map((key) => [key, toNumber(row[key] ?? 0)])) as Record<K, number>;
const toSeriesListSizes = (item: Record<string, unknown>): SeriesListSizes => sizesOf(SERIES_LIST_KEYS, item);
const RANKS = { billingRank: BILLING_RANK, roleRank: CREDIT_ROLE_RANK };
const FIRST_SHOWN = firstShownByKeys();

/** How long derived caches may serve answers that another process's writes have changed. */
const STATE_TAG_TTL_MS = 60_000;
/** The smallest part an import splits a timed-out transaction into. */
const MIN_SPLIT_ROWS = 100;

/** The server ended the transaction at its timeout: while it ran, or while it waited for a lock. */
const endedAtTimeout = (error: unknown): boolean =>
  error instanceof StoreTimeoutError ||
  (error as { code?: unknown } | null)?.code === 'Neo.ClientError.Transaction.LockClientStopped';

export interface Neo4jStoreOptions extends Neo4jDriverOptions {
  /** Rows one transaction of importDocument writes at most; default TRANSACTION_ROWS (2000). */
  importTransactionRows?: number;
  /** How long the change log keeps entries (default 7 days), and its clock. */
  changeLog?: ChangeLogOptions;
}

export class Neo4jStore implements DramaStore {
  readonly kind = 'neo4j' as const;
  private readonly db: Neo4jConnection;
  private readonly importRows: number;
  private readonly changeLog: ChangeLogOptions;
  private writes = 0;
  readonly journal = new SeriesJournal();
  /** Other service replicas and clients write to the same database. */
  readonly soleWriter = false;

  constructor(options: Neo4jStoreOptions) {
    this.db = new Neo4jConnection(options);
    this.importRows = options.importTransactionRows ?? TRANSACTION_ROWS;
    this.changeLog = options.changeLog ?? { retentionMs: DEFAULT_CHANGE_RETENTION_MS };
  }

  get roundTrips(): number {
    return this.db.roundTrips;
  }

  /** Test support: transactions begun for callers, retries included (see Neo4jConnection.attempts). */
  get attempts(): number {
    return this.db.attempts;
  }

  /** True while Neo4j is known to be down: every call fails at once with StoreUnavailableError. */
  get unreachable(): boolean {
    return this.db.unreachable;
  }

  /**
   * This process's writes change it, and so does the clock every STATE_TAG_TTL_MS: writes by other
   * processes to the same database show in derived caches within that time.
   */
  get stateTag(): StateTag {
    return { writes: `${this.writes}`, epoch: Math.floor(Date.now() / STATE_TAG_TTL_MS) };
  }

  /** Names the database's last committed transaction, so it changes with any process's writes. */
  dataVersion = (): Promise<string> => this.db.bookmark(readCypher.DATA_VERSION);

  /** Counts a write while it runs and once it is over, when it also records the series it touched (null: any). */
  private async written<T>(write: Promise<T>, series: Iterable<string> | null): Promise<T> {
    this.writes++;
    try {
      return await write;
    } finally {
      this.journal.record(series);
      this.writes++;
    }
  }

  private async single<T>(
    cypher: string,
    keys: readonly string[],
    map: Mapper<T>,
    signal?: AbortSignal,
  ): Promise<(T | null)[]> {
    return singles(await this.db.read(cypher, { keys }, signal), keys.length, map);
  }

  private async many<T>(cypher: string, params: Params, size: number, map: Mapper<T>, signal?: AbortSignal) {
    return lists(await this.db.read(cypher, params, signal), size, map);
  }

  private byKeys<T>(cypher: string, keys: readonly string[], map: Mapper<T>, signal?: AbortSignal): Promise<T[][]> {
    return this.many(cypher, { keys, ...RANKS }, keys.length, map, signal);
  }

  seriesByKeys = (keys: readonly string[], signal?: AbortSignal): Promise<(SeriesRecord | null)[]> =>
    this.single(readCypher.SERIES_BY_KEYS, keys, decode.toSeries, signal);
  episodesByKeys = (keys: readonly string[], signal?: AbortSignal): Promise<(EpisodeRecord | null)[]> =>
    this.single(readCypher.EPISODES_BY_KEYS, keys, decode.toEpisode, signal);
  charactersByKeys = (keys: readonly string[], signal?: AbortSignal): Promise<(CharacterRecord | null)[]> =>
    this.single(readCypher.CHARACTERS_BY_KEYS, keys, decode.toCharacter, signal);
  peopleByKeys = (keys: readonly string[], signal?: AbortSignal): Promise<(PersonRecord | null)[]> =>
    this.single(readCypher.PEOPLE_BY_KEYS, keys, decode.toPerson, signal);
  relationshipsByKeys = (keys: readonly string[], signal?: AbortSignal): Promise<(RelationshipRecord | null)[]> =>
    this.single(readCypher.RELATIONSHIPS_BY_KEYS, keys, decode.toRelationship, signal);
  eventsByKeys = (keys: readonly string[], signal?: AbortSignal): Promise<(PlotEventRecord | null)[]> =>
    this.single(readCypher.EVENTS_BY_KEYS, keys, decode.toEvent, signal);

  episodesBySeries = (keys: readonly string[], signal?: AbortSignal): Promise<EpisodeRecord[][]> =>
    this.byKeys(readCypher.EPISODES_BY_SERIES, keys, decode.toEpisode, signal);
  charactersBySeries = (keys: readonly string[], signal?: AbortSignal): Promise<CharacterRecord[][]> =>
    this.byKeys(readCypher.CHARACTERS_BY_SERIES, keys, decode.toCharacter, signal);
  castingsBySeries = (keys: readonly string[], signal?: AbortSignal): Promise<CastingRecord[][]> =>
    this.byKeys(readCypher.CASTINGS_BY_SERIES, keys, decode.toCasting, signal);
  castingsByPerson = (keys: readonly string[], signal?: AbortSignal): Promise<CastingRecord[][]> =>
    this.byKeys(readCypher.CASTINGS_BY_PERSON, keys, decode.toCasting, signal);
  castingsByCharacter = (keys: readonly string[], signal?: AbortSignal): Promise<CastingRecord[][]> =>
    this.byKeys(readCypher.CASTINGS_BY_CHARACTER, keys, decode.toCasting, signal);
  creditsBySeries = (keys: readonly string[], signal?: AbortSignal): Promise<CreditRecord[][]> =>
    this.byKeys(readCypher.CREDITS_BY_SERIES, keys, decode.toCredit, signal);
  creditsByPerson = (keys: readonly string[], signal?: AbortSignal): Promise<CreditRecord[][]> =>
    this.byKeys(readCypher.CREDITS_BY_PERSON, keys, decode.toCredit, signal);

  relationshipsOf(queries: readonly RelationshipQuery[], signal?: AbortSignal): Promise<RelationshipRecord[][]> {
    return this.many(readCypher.RELATIONSHIPS_OF, { queries }, queries.length, decode.toRelationship, signal);
  }

  eventsOfEpisodes(queries: readonly EpisodeEventsQuery[], signal?: AbortSignal): Promise<PlotEventRecord[][]> {
    return this.many(readCypher.EVENTS_OF_EPISODES, { queries }, queries.length, decode.toEvent, signal);
  }

  eventsOfSeriesByKind(queries: readonly SeriesEventsQuery[], signal?: AbortSignal): Promise<PlotEventRecord[][]> {
    return this.many(readCypher.EVENTS_OF_SERIES_BY_KIND, { queries }, queries.length, decode.toEvent, signal);
  }

  /** Derived from the story on each call (the reads the catalogue used to make), by the same rule as the embedded store's. */
  async seriesSummaries(keys: readonly string[], signal?: AbortSignal): Promise<(SeriesSummary | null)[]> {
    const kinds = [...TROPE_EVENT_KINDS];
    const [series, relationships, events, castings, credits] = await Promise.all([
      this.seriesByKeys(keys, signal),
      this.relationshipsOfSeries(keys, signal),
      this.eventsOfSeriesByKind(
        keys.map((seriesKey) => ({ seriesKey, kinds })),
        signal,
      ),
      this.castingsBySeries(keys, signal),
      this.creditsBySeries(keys, signal),
    ]);
    return series.map((s, i) =>
      s === null
        ? null
        : summaryOf(s, {
            relationships: relationships[i]!,
            events: events[i]!,
            castings: castings[i]!,
            credits: credits[i]!,
          }),
    );
  }

  async eventsOfCharacters(
    queries: readonly CharacterEventsQuery[],
    signal?: AbortSignal,
  ): Promise<PlotEventRecord[][]> {
    const [row] = await this.db.read(readCypher.EVENTS_OF_CHARACTERS, { queries }, signal);
    return sharedLists(row, queries.length, decode.toEvent, (e) => e.key);
  }

  relationshipHistories = (keys: readonly string[], signal?: AbortSignal): Promise<RelationshipRecord[][]> =>
    this.byKeys(readCypher.RELATIONSHIP_HISTORIES, keys, decode.toRelationship, signal);
  laterEventCounts = async (queries: readonly LaterEventsQuery[], signal?: AbortSignal): Promise<number[]> =>
    (await this.many(readCypher.LATER_EVENT_COUNTS, { queries }, queries.length, toNumber, signal)).map(
      (n) => n[0] ?? 0,
    );
  firstShown = async (keys: readonly string[], signal?: AbortSignal): Promise<FirstShown[]> =>
    (await this.single(FIRST_SHOWN, keys, decode.toFirstShown, signal)).map(
      (shown, i) => shown ?? { characterKey: keys[i]!, earliestEvent: null, earliestSince: null },
    );
  relationshipsOfSeries = (keys: readonly string[], signal?: AbortSignal): Promise<RelationshipRecord[][]> =>
    this.byKeys(readCypher.RELATIONSHIPS_OF_SERIES, keys, decode.toRelationship, signal);
  eventsOfSeries = (keys: readonly string[], signal?: AbortSignal): Promise<PlotEventRecord[][]> =>
    this.byKeys(readCypher.EVENTS_OF_SERIES, keys, decode.toEvent, signal);

  async eventsOfSeriesAfter(
    { seriesKey, after, first }: SeriesEventsPageRequest,
    signal?: AbortSignal,
  ): Promise<PlotEventRecord[]> {
    if (first <= 0) return [];
    const rows = await this.db.read(
      readCypher.EVENTS_OF_SERIES_AFTER,
      { series: seriesKey, episode: after?.episodeNumber ?? 0, sequence: after?.sequence ?? 0, limit: first },
      signal,
    );
    return rows.map((row) => decode.toEvent(row.item as never));
  }

  async searchCandidates({ query, limit }: SearchRequest, signal?: AbortSignal): Promise<Searchable[]> {
    const params = { ...knowledgeCypher.searchParams(query), limit };
    return (await this.db.read(knowledgeCypher.SEARCH_CANDIDATES, params, signal)).map(toSearchable);
  }

  async neighbourhoods(
    keys: readonly string[],
    signal?: AbortSignal,
    visibleThrough: readonly VisibleThrough[] | null = null,
  ): Promise<Neighbourhood[]> {
    const params = { keys, atMost: SEARCH_MAX_WEIGHT, visibleThrough, ...RANKS };
    const rows = await this.db.read(knowledgeCypher.NEIGHBOURHOODS, params, signal);
    if (rows.some((row) => toNumber(row.i) < 0)) throw new SearchTooLarge();
    return keys.map((_key, i) => toNeighbourhood(rows.find((row) => toNumber(row.i) === i)));
  }

  async listSeries({ first, afterSlug }: SeriesPageRequest, signal?: AbortSignal): Promise<Page<SeriesRecord>> {
    const cypher = afterSlug === null ? readCypher.LIST_SERIES : readCypher.LIST_SERIES_AFTER;
    return (await this.page(cypher, { afterSlug }, first, decode.toSeries, signal))[0];
  }

  async listPeople({ first, afterKey }: PeoplePageRequest, signal?: AbortSignal): Promise<PersonRecord[]> {
    const rows = await this.db.read(readCypher.LIST_PEOPLE, { afterKey, limit: Math.max(first, 0) }, signal);
    return rows.map((row) => decode.toPerson(row.item as never));
  }

  async readPlanned(read: PlannedRead, signal?: AbortSignal): Promise<PlannedAnswer> {
    const { cypher, params } = plannedQuery(read);
    return toPlannedAnswer(read, await this.db.read(cypher, params, signal));
  }

  async findEvents({ filter, first, after }: EventsPageRequest, signal?: AbortSignal): Promise<EventsPage> {
    const query = findEventsQuery(filter);
    const [page, row] = await this.page(query, { ...filter, after }, first, decode.toEvent, signal);
    return { ...page, hiddenCount: toNumber(row?.hidden ?? 0) };
  }

  private async page<T>(
    cypher: string,
    params: Params,
    first: number,
    map: Mapper<T>,
    signal?: AbortSignal,
  ): Promise<[Page<T>, Row | undefined]> {
    const [row] = await this.db.read(cypher, { ...params, limit: Math.max(first, 0) + 1 }, signal);
    const items = ((row?.items ?? []) as never[]).map(map);
    const page = {
      items: items.slice(0, Math.max(first, 0)),
      hasNextPage: items.length > first,
      totalCount: toNumber(row?.total ?? 0),
    };
    return [page, row];
  }

  /**
   * Writes the document in transactions of bounded size (see importParts), one after the other. A part
   * whose transaction times out was rolled back whole; it is written again in halves (each a transaction),
   * down to MIN_SPLIT_ROWS rows, since importing upserts. Summaries are derived as they are read, so there
   * are none to defer. A part first locks what it writes, as applyChanges does: two replicas seeding an
   * empty store at once write and log each record once.
   */
  importDocument(document: GraphDocument, onStep?: (step: ImportStep) => void): Promise<GraphCounts> {
    const total = (c: keyof GraphCounts) => document[c].length;
    const done = Object.fromEntries(Object.keys(document).map((c) => [c, 0])) as GraphCounts;
    const progress =
      onStep && ((p: ImportStep) => onStep({ ...p, done: done[p.collection] + p.done, total: total(p.collection) }));
    const writePart = async (part: GraphDocument, maxRows: number): Promise<void> => {
      try {
        const written = await this.db.writeTransaction(async (tx) => {
          const changes = changeSet({ upserts: part });
          await lockWhatChanges(tx, changes);
          const unchanged = await unchangedRecords(tx, part);
          const counts = await importInto(tx, part, progress);
          const drafts = changedDrafts(changeDrafts(changes, null), unchanged);
          await logChangesIn(tx, drafts, this.changeLog);
          return counts;
        });
        for (const c of Object.keys(written) as (keyof GraphCounts)[]) done[c] += written[c];
      } catch (error) {
        const rows = rowCount(part);
        if (!endedAtTimeout(error) || rows <= MIN_SPLIT_ROWS) throw error;
        const half = Math.max(Math.ceil(Math.min(rows, maxRows) / 2), MIN_SPLIT_ROWS);
        for (const smaller of importParts(part, half)) await writePart(smaller, half);
      }
    };
    const importAll = async () => {
      for (const part of importParts(document, this.importRows)) await writePart(part, this.importRows);
      return done;
    };
    return this.written(importAll(), null);
  }

  applyChanges(changes: ChangeSet, actor: string | null = null): Promise<ChangeSet> {
    return this.written(
      this.db.writeTransaction((tx) => applyChangesIn(tx, changes, actor, this.changeLog)),
      touchedSeries(changes),
    );
  }

  changesAfter = (request: ChangesRequest): Promise<ChangesPage> => changesAfter(this.db, request);
  changeLogBounds = (): Promise<ChangeLogBounds> => changeLogBounds(this.db);

  async counts(): Promise<GraphCounts> {
    const [row = {}] = await this.db.read(readCypher.COUNTS);
    const count = (k: keyof GraphCounts) => toNumber(row[k] ?? 0);
    return {
      people: count('people'),
      series: count('series'),
      episodes: count('episodes'),
      characters: count('characters'),
      castings: count('castings'),
      credits: count('credits'),
      relationships: count('relationships'),
      events: count('events'),
    };
  }

  async listSizes(): Promise<ListSizes> {
    const [row = {}] = await this.db.readUncounted(readCypher.LIST_SIZES);
    return sizesOf(LIST_SIZE_KEYS, row);
  }

  seriesListSizes = (keys: readonly string[], signal?: AbortSignal): Promise<(SeriesListSizes | null)[]> =>
    this.single(readCypher.SERIES_LIST_SIZES, keys, toSeriesListSizes, signal);

  async ping(): Promise<void> {
    await this.db.read(readCypher.PING);
  }

  /** Applies every migration (all idempotent) and returns those that changed the schema. */
  async migrate(): Promise<string[]> {
    const applied: string[] = [];
    for (const statement of writeCypher.MIGRATIONS) {
      if (await this.db.schema(`// name: migration\n${statement}`)) applied.push(statement);
    }
    await this.db.write(writeCypher.AWAIT_INDEXES, { seconds: 300 });
    return applied;
  }

  /** In bounded transactions, like importDocument. */
  async deleteEverything(): Promise<void> {
    const deleteAll = async () => {
      let deleted: number;
      do {
        const [row] = await this.db.write(writeCypher.DELETE_EVERYTHING, { limit: this.importRows });
        deleted = toNumber(row?.deleted ?? 0);
      } while (deleted > 0);
    };
    await this.written(deleteAll(), null);
  }

  /** Test support: the stored Cypher value types of the integer properties. */
  async propertyTypes(): Promise<Record<string, string[]>> {
    const [row = {}] = await this.db.read(writeCypher.PROPERTY_TYPES);
    return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, (v as string[]).slice().sort()]));
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
