import type { ChangeEntry, ChangeLogBounds } from '../domain/change-log.js';
import type { Collection } from '../domain/collections.js';
import type { ChangeSet } from '../domain/integrity/changes.js';
import type { ListSizes, SeriesListSizes } from '../domain/list-sizes.js';
import type { Neighbourhood } from '../domain/paths.js';
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
} from '../domain/records.js';
import type { Searchable } from '../domain/search/keys.js';
import type { SeriesSummary } from '../domain/series-summary.js';
import type { VisibleThrough } from '../domain/spoilers.js';
import type { Certainty, EventOutcome, ParticipantRole, PlotEventKind } from '../domain/vocabulary.js';

export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
  totalCount: number;
}

export interface SeriesPageRequest {
  first: number;
  afterSlug: string | null;
}

export interface PeoplePageRequest {
  first: number;
  /** Only people whose key comes after this one (code-unit order); null: from the first. */
  afterKey: string | null;
}

export interface EventFilter {
  series: string | null;
  episode: number | null;
  kinds: PlotEventKind[] | null;
  agent: string | null;
  target: string | null;
  participant: string | null;
  outcome: EventOutcome | null;
  /** Only events of this certainty; null: both. */
  certainty: Certainty | null;
  /** Hides events after these episodes (spoilers); null hides nothing. */
  visibleThrough: VisibleThrough[] | null;
}

/** A filter that narrows nothing: every event, none hidden. */
export const NO_EVENT_FILTER: Readonly<EventFilter> = Object.freeze({
  series: null,
  episode: null,
  kinds: null,
  agent: null,
  target: null,
  participant: null,
  outcome: null,
  certainty: null,
  visibleThrough: null,
});

/** A page of events that also says how many matches `visibleThrough` hid. */
export interface EventsPage extends Page<PlotEventRecord> {
  hiddenCount: number;
}

/** A page of one series' events in port order, after a place in the series (null: from its first event). */
export interface SeriesEventsPageRequest {
  seriesKey: string;
  after: { episodeNumber: number; sequence: number } | null;
  first: number;
}

export interface EventPosition {
  seriesKey: string;
  episodeNumber: number;
  sequence: number;
}

export interface EventsPageRequest {
  filter: EventFilter;
  first: number;
  after: EventPosition | null;
}

export interface RelationshipQuery {
  characterKey: string;
  asOfEpisode: number | null;
}

export interface EpisodeEventsQuery {
  episodeKey: string;
  kinds: PlotEventKind[] | null;
}

export interface SeriesEventsQuery {
  seriesKey: string;
  kinds: PlotEventKind[] | null;
}

/** A character's events after an episode, to count (how many a viewer's progress hides). */
export interface LaterEventsQuery {
  characterKey: string;
  afterEpisode: number;
}

export interface CharacterEventsQuery {
  characterKey: string;
  role: ParticipantRole | null;
  kinds: PlotEventKind[] | null;
}

/**
 * One root field of an operation, as the query planner (reads/planner) asks for it: what the resolvers below it
 * will load, read in one store request. The answer holds the same records the batch methods return.
 */
/**
 * The fields of the event records a planned read answers: a store may leave the others out (the Neo4j adapter
 * returns nulls for them). The planner lists every field any selection in the operation's document could read.
 */
export type PlannedEventField = keyof PlotEventRecord;

/** What a planned read takes of each series it reads. */
export interface SeriesSelection {
  /** Whether the series' episodes are read (episodesBySeries). */
  episodes: boolean;
  /** The kinds of each events(kinds:) list read for every one of those episodes (null: all kinds). */
  episodeEvents: (PlotEventKind[] | null)[];
  /** Whether the characters taking part in those events are read. */
  characters: boolean;
  /** Whether each read character's castings and their people are read (portrayedBy). */
  portrayedBy: boolean;
  /** Whether the series' castings (cast) are read, with their characters and people. */
  cast: boolean;
  /** Whether the series' credits (crew) are read, with their people. */
  crew: boolean;
  firstShown: boolean;
  eventFields: readonly PlannedEventField[];
}

export type PlannedRead =
  | {
      kind: 'character';
      characterKey: string;
      /** Each relationships(asOfEpisode:) asked of the character, already capped at the viewer's progress. */
      relationships: RelationshipQuery[];
      /** Whether the other end of each relationship is read too. */
      ends: boolean;
      /** Whether each read character's castings and their people are read (portrayedBy). */
      portrayedBy: boolean;
      /** Whether the facts that decide each read character's first episode are read (see FirstShown): the viewer's progress or a firstEpisode field needs them. */
      firstShown: boolean;
    }
  | {
      kind: 'events';
      pages: EventsPageRequest[];
      /** Whether each listed event's episode is read. */
      episodes: boolean;
      /** Whether each listed event's agent and target are read. */
      people: boolean;
      /** Whether the characters of each listed event's participants are read. */
      participants: boolean;
      firstShown: boolean;
      eventFields: readonly PlannedEventField[];
    }
  | ({ kind: 'series'; seriesKey: string } & SeriesSelection)
  | ({
      kind: 'allSeries';
      /** The page of series listSeries would answer. */
      page: SeriesPageRequest;
    } & SeriesSelection)
  | {
      kind: 'person';
      personKey: string;
      /** Whether the person's castings (castingsByPerson) are read, with the characters they play. */
      castings: boolean;
      /** Whether each of those characters' castings and their people are read (portrayedBy). */
      portrayedBy: boolean;
      /** Whether the person's credits (creditsByPerson) are read. */
      credits: boolean;
      /** Whether the series of those castings and credits are read. */
      series: boolean;
      firstShown: boolean;
    };

/** The earliest episodes a character shows up in through events and starting relationships (null: none). */
export interface FirstShown {
  characterKey: string;
  earliestEvent: number | null;
  earliestSince: number | null;
}

export interface PlannedAnswer {
  /** Each character read, or null when there is no such key. */
  characters: { key: string; record: CharacterRecord | null }[];
  episodes: { key: string; record: EpisodeRecord | null }[];
  relationships: { query: RelationshipQuery; items: RelationshipRecord[] }[];
  eventPages: { request: EventsPageRequest; page: EventsPage }[];
  firstShown: FirstShown[];
  series: { key: string; record: SeriesRecord | null }[];
  people: { key: string; record: PersonRecord | null }[];
  /** As episodesBySeries answers. */
  episodeLists: { seriesKey: string; items: EpisodeRecord[] }[];
  /** As eventsOfEpisodes answers. */
  episodeEvents: { query: EpisodeEventsQuery; items: PlotEventRecord[] }[];
  /** As castingsByCharacter answers. */
  characterCastings: { characterKey: string; items: CastingRecord[] }[];
  /** As castingsBySeries answers. */
  seriesCastings: { seriesKey: string; items: CastingRecord[] }[];
  /** As creditsBySeries answers. */
  seriesCredits: { seriesKey: string; items: CreditRecord[] }[];
  /** As listSeries answers. */
  seriesPages: { request: SeriesPageRequest; page: Page<SeriesRecord> }[];
  /** As castingsByPerson answers. */
  personCastings: { personKey: string; items: CastingRecord[] }[];
  /** As creditsByPerson answers. */
  personCredits: { personKey: string; items: CreditRecord[] }[];
}

/** A planned answer with nothing read yet, which each adapter fills. */
export const emptyPlannedAnswer = (): PlannedAnswer => ({
  characters: [],
  episodes: [],
  relationships: [],
  eventPages: [],
  firstShown: [],
  series: [],
  people: [],
  episodeLists: [],
  episodeEvents: [],
  characterCastings: [],
  seriesCastings: [],
  seriesCredits: [],
  seriesPages: [],
  personCastings: [],
  personCredits: [],
});

export interface ImportStep {
  collection: keyof GraphDocument;
  done: number;
  total: number;
}

/** A folded query (see domain/search/fold.ts) and how many candidates to return at most. */
export interface SearchRequest {
  query: string;
  limit: number;
}

export type StoreKind = 'embedded' | 'neo4j';

/** Change-log entries after a cursor, oldest first, optionally of one series and of some collections only. */
export interface ChangesRequest {
  /** null: from the oldest entry kept, worked out in the same read as the page. */
  after: number | null;
  series: string | null;
  /** null: every collection; [] matches nothing. */
  collections: Collection[] | null;
  first: number;
  /** Ends the read once aborted (its request was answered, or its client or stream went away); it then rejects. */
  signal?: AbortSignal;
}

export interface ChangesPage {
  items: ChangeEntry[];
  hasNextPage: boolean;
  /** The cursor the read got through, filtered-out entries included: resume after it. */
  through: number;
  /** The log's bounds as the read saw them. */
  bounds: ChangeLogBounds;
}

/** The durable change log every write appends to in its own transaction (see domain/change-log.ts). */
export interface ChangeLogReader {
  changesAfter(request: ChangesRequest): Promise<ChangesPage>;
  changeLogBounds(): Promise<ChangeLogBounds>;
}

/**
 * What a store's answers depend on, for caches of derived answers. `writes` changes with every write this
 * process makes: caches must follow it at once. `epoch` turns with the clock so that other processes'
 * writes show within a while: a cache may keep serving its last answer while it derives the next.
 */
export interface StateTag {
  readonly writes: string;
  readonly epoch: number;
}

/**
 * Which series this process's writes to a store touched, in order, so that a cache of per-series answers
 * redoes only those. A cache notes `position` before it reads; the writes recorded after it are the ones
 * it may have missed, as every write is recorded once it is over.
 */
export interface WriteJournal {
  /** How many writes are recorded so far. */
  readonly position: number;
  /** The series touched by the writes recorded after `position`; null when one may have touched any, or is forgotten. */
  since(position: number): ReadonlySet<string> | null;
}

/** What a store's answers depend on, for caches of derived answers (see StateCache). */
export interface StoreVersion {
  /** Changes whenever the store's answers may have changed; caches of derived answers key on it. */
  readonly stateTag: StateTag;
  /** Changes whenever the stored data may have changed, whoever wrote: a cache whose tag's epoch turned may keep what it has while this stays. */
  dataVersion(): Promise<string>;
  /** The series each of this process's writes touched; imports and wipes count as touching any. */
  readonly journal: WriteJournal;
  /**
   * True while no other process can write to the store (the embedded store's writer holds DATA_DIR's lock): every
   * change is then one of this process's writes, which `stateTag.writes` and the journal already follow.
   */
  readonly soleWriter: boolean;
}

/**
 * The reads every store answers. Batch methods answer in the order of their keys
 * (null or [] where nothing matches). Orderings are part of the contract:
 * episodes by number; characters by slug; castings by billing rank then person key then
 * character key (by person: series key first); credits by role rank then person key (by person:
 * series key first); relationships by since episode (null first) then key; events by series
 * key, episode number, sequence. A kinds list of [] matches nothing; null matches all.
 */
/**
 * Every read takes an optional `signal`, aborted once the request that reads is answered (or its client went away):
 * a read still running then ends and rejects with its reason (on Neo4j its query ends on the server). The embedded
 * store's reads are short and run to their end, except that one long enough to span turns of the event loop ends
 * at its next turn.
 */
export interface StoreReader {
  seriesByKeys(keys: readonly string[], signal?: AbortSignal): Promise<(SeriesRecord | null)[]>;
  episodesByKeys(keys: readonly string[], signal?: AbortSignal): Promise<(EpisodeRecord | null)[]>;
  charactersByKeys(keys: readonly string[], signal?: AbortSignal): Promise<(CharacterRecord | null)[]>;
  peopleByKeys(keys: readonly string[], signal?: AbortSignal): Promise<(PersonRecord | null)[]>;
  relationshipsByKeys(keys: readonly string[], signal?: AbortSignal): Promise<(RelationshipRecord | null)[]>;
  eventsByKeys(keys: readonly string[], signal?: AbortSignal): Promise<(PlotEventRecord | null)[]>;

  episodesBySeries(seriesKeys: readonly string[], signal?: AbortSignal): Promise<EpisodeRecord[][]>;
  charactersBySeries(seriesKeys: readonly string[], signal?: AbortSignal): Promise<CharacterRecord[][]>;
  castingsBySeries(seriesKeys: readonly string[], signal?: AbortSignal): Promise<CastingRecord[][]>;
  castingsByPerson(personKeys: readonly string[], signal?: AbortSignal): Promise<CastingRecord[][]>;
  castingsByCharacter(characterKeys: readonly string[], signal?: AbortSignal): Promise<CastingRecord[][]>;
  creditsBySeries(seriesKeys: readonly string[], signal?: AbortSignal): Promise<CreditRecord[][]>;
  creditsByPerson(personKeys: readonly string[], signal?: AbortSignal): Promise<CreditRecord[][]>;
  relationshipsOf(queries: readonly RelationshipQuery[], signal?: AbortSignal): Promise<RelationshipRecord[][]>;
  eventsOfEpisodes(queries: readonly EpisodeEventsQuery[], signal?: AbortSignal): Promise<PlotEventRecord[][]>;
  eventsOfCharacters(queries: readonly CharacterEventsQuery[], signal?: AbortSignal): Promise<PlotEventRecord[][]>;
  /** Every relationship a character was ever part of, whatever the episode. */
  relationshipHistories(characterKeys: readonly string[], signal?: AbortSignal): Promise<RelationshipRecord[][]>;
  /** Per character key, the facts that decide its first episode (FirstShown), read from indexes, not from its events. */
  firstShown(characterKeys: readonly string[], signal?: AbortSignal): Promise<FirstShown[]>;
  /** Per query, how many events the character takes part in after `afterEpisode`, counted without reading them. */
  laterEventCounts(queries: readonly LaterEventsQuery[], signal?: AbortSignal): Promise<number[]>;
  /** Every relationship between characters of the series, whatever the episode. */
  relationshipsOfSeries(seriesKeys: readonly string[], signal?: AbortSignal): Promise<RelationshipRecord[][]>;
  eventsOfSeries(seriesKeys: readonly string[], signal?: AbortSignal): Promise<PlotEventRecord[][]>;
  /** Up to `first` events of one series after `after`, by episode number then sequence: export reads a series' events this way, page by page. */
  eventsOfSeriesAfter(request: SeriesEventsPageRequest, signal?: AbortSignal): Promise<PlotEventRecord[]>;
  /** The events of each series of the given kinds, e.g. only those that decide tropes. */
  eventsOfSeriesByKind(queries: readonly SeriesEventsQuery[], signal?: AbortSignal): Promise<PlotEventRecord[][]>;
  /**
   * Each series' summary for recommendations (summaryOf in domain/series-summary.ts over its whole story),
   * or null when there is no such series. The catalogue of profiles is built from these alone.
   */
  seriesSummaries(seriesKeys: readonly string[], signal?: AbortSignal): Promise<(SeriesSummary | null)[]>;

  /** Records with a stored search key that `mayMatch` the query, by type (series, episode, character, person) then key. */
  searchCandidates(request: SearchRequest, signal?: AbortSignal): Promise<Searchable[]>;
  /**
   * Per character or person key: every relationship, the events it takes part in, its castings (port orders). Fails
   * with SearchTooLarge, answering none, when the keys' events weigh more than SEARCH_MAX_WEIGHT in all (see eventWeight).
   * Events after `visibleThrough` are neither read nor weighed: a refusal that counted them told the viewer they were
   * there.
   */
  neighbourhoods(
    keys: readonly string[],
    signal?: AbortSignal,
    visibleThrough?: readonly VisibleThrough[] | null,
  ): Promise<Neighbourhood[]>;

  listSeries(request: SeriesPageRequest, signal?: AbortSignal): Promise<Page<SeriesRecord>>;
  /** Up to `first` people in key order, after `afterKey`: export reads every person this way, page by page. */
  listPeople(request: PeoplePageRequest, signal?: AbortSignal): Promise<PersonRecord[]>;
  findEvents(request: EventsPageRequest, signal?: AbortSignal): Promise<EventsPage>;
  /**
   * One planned root field's records, in one round trip (the same records the methods above return). Once
   * `signal` is aborted the read stops as soon as it can, or its answer is dropped, and it rejects.
   */
  readPlanned(read: PlannedRead, signal?: AbortSignal): Promise<PlannedAnswer>;
}

/** The writes every store takes, each validated before it reaches the store. */
export interface StoreWriter {
  /**
   * Upserts a whole validated document. The embedded store writes it in one transaction; Neo4j in
   * transactions of bounded size (people, then whole series while they fit), so a document that fits in one
   * is all or nothing, and a failure in a bigger one keeps the parts before it: importing it again completes it.
   * Each transaction logs an UPSERT for each record it wrote (no actor), so the log stays as bounded as the transaction.
   */
  importDocument(document: GraphDocument, onStep?: (step: ImportStep) => void): Promise<GraphCounts>;
  /**
   * Applies upserts and deletes in one transaction, after planChanges (domain/integrity/plan.ts) has approved
   * them against the state inside that transaction. Resolves with what was applied (cascades included)
   * once it is durable; throws ValidationError and writes nothing when the story would break. The change
   * log gets one entry per record applied, in the same transaction, naming `actor` (a token's name) as the writer.
   */
  applyChanges(changes: ChangeSet, actor?: string | null): Promise<ChangeSet>;
}

/** The one port every store implements: its reads, its writes, its version, and its life cycle. */
export interface DramaStore extends StoreReader, StoreWriter, StoreVersion, ChangeLogReader {
  readonly kind: StoreKind;
  readonly roundTrips: number;
  counts(): Promise<GraphCounts>;
  /** The longest list of each kind one record holds now; cheap enough to ask after every write. */
  listSizes(): Promise<ListSizes>;
  /**
   * The lists within each series, by key (null: no such series), from the lengths the store keeps: the reads
   * grow with the series' characters and episodes, never with its events.
   */
  seriesListSizes(seriesKeys: readonly string[], signal?: AbortSignal): Promise<(SeriesListSizes | null)[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
