import path from 'node:path';
import { type Collection, countsOf, type RecordOf } from '../../domain/collections.js';
import { type ChangeSet, touchedSeries } from '../../domain/integrity/changes.js';
import { planChanges } from '../../domain/integrity/plan.js';
import type { ListSizes } from '../../domain/list-sizes.js';
import type { Neighbourhood } from '../../domain/paths.js';
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
import { StoreUnavailableError } from '../../errors.js';
import { SeriesJournal } from '../journal.js';
import type {
  CharacterEventsQuery,
  DramaStore,
  EpisodeEventsQuery,
  EventsPage,
  EventsPageRequest,
  ImportStep,
  Page,
  PeoplePageRequest,
  RelationshipQuery,
  SearchRequest,
  SeriesEventsQuery,
  SeriesPageRequest,
  StateTag,
} from '../port.js';
import { DataDirError } from './data-dir.js';
import { EmbeddedDatabase } from './database.js';
import { GraphIndex } from './indexes.js';
import { DATA_FILE } from './probe.js';
import { eventsPage, holdsAt, ofKinds, seriesPage, takesPart } from './queries.js';
import { neighbourhoodOf, searchCandidates } from './search.js';
import type { Grouped } from './sorted.js';
import { EmbeddedStoryView } from './story-view.js';

export interface EmbeddedStoreOptions {
  dataDir: string;
  /** Build the in-memory read index on open (the default) or at the first read; an import needs none. */
  indexOnOpen?: boolean;
}

/** Throws DataDirError when DATA_DIR is held by another opener, is not a usable directory, or its data.mdb is damaged. */
export async function openEmbeddedStore(options: EmbeddedStoreOptions): Promise<EmbeddedStore> {
  const store = new EmbeddedStore(await EmbeddedDatabase.open(options.dataDir));
  if (options.indexOnOpen ?? true) {
    try {
      store.loadIndex();
    } catch (error) {
      await store.close();
      const file = path.join(options.dataDir, DATA_FILE);
      throw new DataDirError(
        'DATA_DIR_CORRUPTED',
        file,
        `${file} holds a record that cannot be read: ${(error as Error).message}`,
      );
    }
  }
  return store;
}

/** The zero-setup store: lmdb in a data directory for durability, in-memory indexes for reads. */
export class EmbeddedStore implements DramaStore {
  readonly kind = 'embedded' as const;
  private trips = 0;
  private closing: Promise<void> | null = null;
  private writes: Promise<unknown> = Promise.resolve();

  private loaded: GraphIndex | null = null;
  readonly journal = new SeriesJournal();

  constructor(private readonly database: EmbeddedDatabase) {}

  /** The read index, built from lmdb the first time it is needed; writes keep a built one current. */
  loadIndex(): GraphIndex {
    if (this.loaded === null) {
      this.loaded = new GraphIndex();
      this.loaded.upsert(this.database.readAll(), false);
    }
    return this.loaded;
  }

  private get index(): GraphIndex {
    this.ensureOpen();
    return this.loadIndex();
  }

  get roundTrips(): number {
    return this.trips;
  }

  /** Only this process writes to its lmdb file, so the clock never turns the tag. */
  get stateTag(): StateTag {
    return { writes: `${this.loaded?.generation ?? 'unloaded'}`, epoch: 0 };
  }

  dataVersion = async (): Promise<string> => this.stateTag.writes;

  seriesByKeys = (keys: readonly string[]) => this.byKeys('series', keys);
  episodesByKeys = (keys: readonly string[]) => this.byKeys('episodes', keys);
  charactersByKeys = (keys: readonly string[]) => this.byKeys('characters', keys);
  peopleByKeys = (keys: readonly string[]) => this.byKeys('people', keys);
  relationshipsByKeys = (keys: readonly string[]) => this.byKeys('relationships', keys);
  eventsByKeys = (keys: readonly string[]) => this.byKeys('events', keys);

  episodesBySeries = (keys: readonly string[]) => this.grouped<EpisodeRecord>(this.index.episodesBySeries, keys);
  charactersBySeries = (keys: readonly string[]) => this.grouped<CharacterRecord>(this.index.charactersBySeries, keys);
  castingsBySeries = (keys: readonly string[]) => this.grouped<CastingRecord>(this.index.castingsBySeries, keys);
  castingsByPerson = (keys: readonly string[]) => this.grouped<CastingRecord>(this.index.castingsByPerson, keys);
  castingsByCharacter = (keys: readonly string[]) => this.grouped<CastingRecord>(this.index.castingsByCharacter, keys);
  creditsBySeries = (keys: readonly string[]) => this.grouped<CreditRecord>(this.index.creditsBySeries, keys);
  creditsByPerson = (keys: readonly string[]) => this.grouped<CreditRecord>(this.index.creditsByPerson, keys);
  relationshipsOfSeries = (keys: readonly string[]) =>
    this.grouped<RelationshipRecord>(this.index.relationshipsBySeries, keys);
  eventsOfSeries = (keys: readonly string[]) => this.grouped<PlotEventRecord>(this.index.eventsBySeries, keys);

  async relationshipsOf(queries: readonly RelationshipQuery[]): Promise<RelationshipRecord[][]> {
    this.trip();
    return queries.map((q) =>
      this.index.relationshipsByCharacter.get(q.characterKey).filter((r) => holdsAt(r, q.asOfEpisode)),
    );
  }

  async eventsOfEpisodes(queries: readonly EpisodeEventsQuery[]): Promise<PlotEventRecord[][]> {
    this.trip();
    return queries.map((q) => this.index.eventsByEpisode.get(q.episodeKey).filter((e) => ofKinds(e, q.kinds)));
  }

  async eventsOfSeriesByKind(queries: readonly SeriesEventsQuery[]): Promise<PlotEventRecord[][]> {
    this.trip();
    return queries.map((q) => this.index.eventsBySeries.get(q.seriesKey).filter((e) => ofKinds(e, q.kinds)));
  }

  async eventsOfCharacters(queries: readonly CharacterEventsQuery[]): Promise<PlotEventRecord[][]> {
    this.trip();
    return queries.map((q) =>
      this.index.eventsByCharacter
        .get(q.characterKey)
        .filter((e) => ofKinds(e, q.kinds) && takesPart(e, q.characterKey, q.role)),
    );
  }

  async relationshipHistories(characterKeys: readonly string[]): Promise<RelationshipRecord[][]> {
    this.trip();
    return characterKeys.map((key) => [...this.index.relationshipsByCharacter.get(key)]);
  }

  async searchCandidates(request: SearchRequest): Promise<Searchable[]> {
    this.trip();
    return searchCandidates(this.index, request);
  }

  async neighbourhoods(keys: readonly string[]): Promise<Neighbourhood[]> {
    this.trip();
    return keys.map((key) => neighbourhoodOf(this.index, key));
  }

  async listSeries(request: SeriesPageRequest): Promise<Page<SeriesRecord>> {
    this.trip();
    return seriesPage(this.index.allSeries(), request);
  }

  async listPeople({ first, afterKey }: PeoplePageRequest): Promise<PersonRecord[]> {
    this.trip();
    const keys = [...this.index.byKey.people.keys()].filter((k) => afterKey === null || k > afterKey).sort();
    return keys.slice(0, Math.max(first, 0)).map((k) => this.index.byKey.people.get(k)!);
  }

  async findEvents(request: EventsPageRequest): Promise<EventsPage> {
    this.trip();
    return eventsPage(this.index.eventAnchors, request, this.index.eventTotals);
  }

  async importDocument(document: GraphDocument, onStep?: (step: ImportStep) => void): Promise<GraphCounts> {
    this.trip();
    return this.exclusive(async () => {
      await this.database.write(document, onStep);
      this.loaded?.upsert(document, true);
      this.journal.record(null);
      return countsOf(document);
    });
  }

  async applyChanges(changes: ChangeSet): Promise<ChangeSet> {
    this.trip();
    return this.exclusive(async () => {
      const plan = await planChanges(changes, new EmbeddedStoryView(this.index));
      await this.database.apply(plan.deletes, plan.upserts);
      this.index.remove(plan.deletes);
      this.index.upsert(plan.upserts, true);
      this.journal.record(touchedSeries(plan));
      return plan;
    });
  }

  async counts(): Promise<GraphCounts> {
    this.trip();
    return this.loaded?.counts() ?? this.database.counts();
  }

  /** Kept in memory and redone after a change, so not counted as a round trip. */
  async listSizes(): Promise<ListSizes> {
    return this.index.listSizes();
  }

  async deleteEverything(): Promise<void> {
    this.ensureOpen();
    return this.exclusive(async () => {
      await this.database.clear();
      this.loaded?.clear();
      this.journal.record(null);
    });
  }

  async ping(): Promise<void> {
    this.ensureOpen();
  }

  close(): Promise<void> {
    this.closing ??= this.writes.then(() => this.database.close());
    return this.closing;
  }

  private async byKeys<C extends Collection>(collection: C, keys: readonly string[]): Promise<(RecordOf<C> | null)[]> {
    this.trip();
    const byKey: Map<string, RecordOf<C>> = this.index.byKey[collection];
    return keys.map((key) => byKey.get(key) ?? null);
  }

  private async grouped<T extends { key: string }>(groups: Grouped<T>, keys: readonly string[]): Promise<T[][]> {
    this.trip();
    return keys.map((key) => [...groups.get(key)]);
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.writes.then(work, work);
    this.writes = result.catch(() => undefined);
    return result;
  }

  private trip(): void {
    this.ensureOpen();
    this.trips++;
  }

  private ensureOpen(): void {
    if (this.closing !== null) throw new StoreUnavailableError('embedded');
  }
}
