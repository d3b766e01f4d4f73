import { COLLECTION_FACTS, COLLECTIONS, type Collection, countsOf, type RecordOf } from '../../domain/collections.js';
import { episodeKey, slugOf } from '../../domain/keys.js';
import { type ListSizes, listSizesOf } from '../../domain/list-sizes.js';
import type {
  CastingRecord,
  CharacterRecord,
  CreditRecord,
  EpisodeRecord,
  GraphCounts,
  GraphDocument,
  PlotEventRecord,
  RelationshipRecord,
  SeriesRecord,
} from '../../domain/records.js';
import type { Searchable } from '../../domain/search/keys.js';
import * as order from './order.js';
import type { EventAnchors } from './queries.js';
import { SearchIndex } from './search-index.js';
import { Grouped } from './sorted.js';

interface Index<T> {
  groups: Grouped<T & { key: string }>;
  of: (record: T) => readonly string[];
}

type Indexers = { [C in Collection]: Index<RecordOf<C>>[] };
type ByKey = { [C in Collection]: Map<string, RecordOf<C>> };

const slugsOf = (keys: readonly (string | null)[]): string[] => [
  ...new Set(keys.filter((k): k is string => k !== null).map(slugOf)),
];

const ALL = '';
const all = (): readonly string[] => [ALL];

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

const valuesOf = (b: ByKey) => {
  const of = <T>(map: Map<string, T>): Iterable<T> => ({ [Symbol.iterator]: () => map.values() });
  return {
    people: of(b.people),
    series: of(b.series),
    episodes: of(b.episodes),
    characters: of(b.characters),
    castings: of(b.castings),
    credits: of(b.credits),
    relationships: of(b.relationships),
    events: of(b.events),
  };
};

/** The in-memory read side of the embedded store, rebuilt from lmdb on open, changed only after commits. */
export class GraphIndex {
  readonly byKey: ByKey = {
    people: new Map(),
    series: new Map(),
    episodes: new Map(),
    characters: new Map(),
    castings: new Map(),
    credits: new Map(),
    relationships: new Map(),
    events: new Map(),
  };
  readonly series = new Grouped<SeriesRecord>(order.seriesOrder);
  readonly episodesBySeries = new Grouped<EpisodeRecord>(order.episodeOrder);
  readonly charactersBySeries = new Grouped<CharacterRecord>(order.characterOrder);
  readonly castingsBySeries = new Grouped<CastingRecord>(order.castingOrder);
  readonly castingsByPerson = new Grouped<CastingRecord>(order.castingBySeriesOrder);
  readonly castingsByCharacter = new Grouped<CastingRecord>(order.castingOrder);
  readonly creditsBySeries = new Grouped<CreditRecord>(order.creditOrder);
  readonly creditsByPerson = new Grouped<CreditRecord>(order.creditBySeriesOrder);
  readonly relationshipsByCharacter = new Grouped<RelationshipRecord>(order.relationshipOrder);
  readonly relationshipsBySeries = new Grouped<RelationshipRecord>(order.relationshipOrder);
  readonly eventsByEpisode = new Grouped<PlotEventRecord>(order.eventOrder);
  readonly eventsByCharacter = new Grouped<PlotEventRecord>(order.eventOrder);
  readonly events = new Grouped<PlotEventRecord>(order.eventOrder);
  readonly eventsBySeries = new Grouped<PlotEventRecord>(order.eventOrder);
  /** Events by the slug of their agent, their target, or any participant: the anchors of findEvents. */
  readonly eventsByAgentSlug = new Grouped<PlotEventRecord>(order.eventOrder);
  readonly eventsByTargetSlug = new Grouped<PlotEventRecord>(order.eventOrder);
  readonly eventsByParticipantSlug = new Grouped<PlotEventRecord>(order.eventOrder);
  /** Memoised totals of event filters; emptied by every change. */
  readonly eventTotals = new Map<string, number>();
  readonly search = new SearchIndex();
  /** Counts the changes, so that caches outside the index know when they are stale. */
  generation = 0;

  private readonly indexers: Indexers = {
    people: [],
    series: [{ groups: this.series, of: all }],
    episodes: [{ groups: this.episodesBySeries, of: (e) => [e.seriesKey] }],
    characters: [{ groups: this.charactersBySeries, of: (c) => [c.seriesKey] }],
    castings: [
      { groups: this.castingsBySeries, of: (c) => [c.seriesKey] },
      { groups: this.castingsByPerson, of: (c) => [c.personKey] },
      { groups: this.castingsByCharacter, of: (c) => [c.characterKey] },
    ],
    credits: [
      { groups: this.creditsBySeries, of: (c) => [c.seriesKey] },
      { groups: this.creditsByPerson, of: (c) => [c.personKey] },
    ],
    relationships: [
      { groups: this.relationshipsByCharacter, of: (r) => [r.fromKey, r.toKey] },
      { groups: this.relationshipsBySeries, of: (r) => [r.seriesKey] },
    ],
    events: [
      { groups: this.eventsByEpisode, of: (e) => [episodeKey(e.seriesKey, e.episodeNumber)] },
      { groups: this.eventsByCharacter, of: (e) => e.participants.map((p) => p.characterKey) },
      { groups: this.events, of: all },
      { groups: this.eventsBySeries, of: (e) => [e.seriesKey] },
      { groups: this.eventsByAgentSlug, of: (e) => slugsOf([e.agentKey]) },
      { groups: this.eventsByTargetSlug, of: (e) => slugsOf([e.targetKey]) },
      { groups: this.eventsByParticipantSlug, of: (e) => slugsOf(e.participants.map((p) => p.characterKey)) },
    ],
  };

  allSeries(): readonly SeriesRecord[] {
    return this.series.get(ALL);
  }

  allEvents(): readonly PlotEventRecord[] {
    return this.events.get(ALL);
  }

  readonly eventAnchors: EventAnchors = {
    all: () => this.allEvents(),
    byAgent: (slug) => this.eventsByAgentSlug.get(slug),
    byTarget: (slug) => this.eventsByTargetSlug.get(slug),
    byParticipant: (slug) => this.eventsByParticipantSlug.get(slug),
  };

  /** Adds or replaces every record of the document; `copy` detaches them from the caller's objects. */
  upsert(document: GraphDocument, copy: boolean): void {
    for (const collection of COLLECTIONS) this.upsertAll(collection, document[collection], copy);
    this.changed();
  }

  /** Removes the records with these keys, wherever they are indexed. */
  remove(deletes: { [C in Collection]: readonly string[] }): void {
    for (const collection of COLLECTIONS) this.removeAll(collection, deletes[collection]);
    this.changed();
  }

  clear(): void {
    this.search.clear();
    for (const collection of COLLECTIONS) {
      this.byKey[collection].clear();
      for (const index of this.indexers[collection]) index.groups.clear();
    }
    this.changed();
  }

  private changed(): void {
    this.eventTotals.clear();
    this.generation++;
  }

  counts(): GraphCounts {
    return countsOf(this.byKey);
  }

  private sizes: { generation: number; sizes: ListSizes } | null = null;

  listSizes(): ListSizes {
    if (this.sizes?.generation !== this.generation)
      this.sizes = { generation: this.generation, sizes: listSizesOf(valuesOf(this.byKey)) };
    return this.sizes.sizes;
  }

  private indexForSearch<C extends Collection>(collection: C, record: RecordOf<C>): void {
    const type = COLLECTION_FACTS[collection].searchType;
    if (type !== null) this.search.add({ type, record } as Searchable);
  }

  private removeAll<C extends Collection>(collection: C, keys: readonly string[]): void {
    const byKey: Map<string, RecordOf<C>> = this.byKey[collection];
    for (const key of keys) {
      const previous = byKey.get(key);
      if (previous === undefined) continue;
      for (const index of this.indexers[collection] as Index<RecordOf<C>>[]) {
        for (const group of index.of(previous)) index.groups.remove(group, key);
      }
      byKey.delete(key);
      const type = COLLECTION_FACTS[collection].searchType;
      if (type !== null) this.search.remove(type, key);
    }
  }

  private upsertAll<C extends Collection>(collection: C, records: readonly RecordOf<C>[], copy: boolean): void {
    const byKey: Map<string, RecordOf<C>> = this.byKey[collection];
    const indexers: Index<RecordOf<C>>[] = this.indexers[collection];
    for (const incoming of records) {
      const record = freezeContents(copy ? structuredClone(incoming) : incoming);
      const previous = byKey.get(record.key);
      if (previous !== undefined) {
        for (const index of indexers) for (const group of index.of(previous)) index.groups.remove(group, previous.key);
      }
      byKey.set(record.key, record);
      for (const index of indexers) for (const group of index.of(record)) index.groups.add(group, record);
      this.indexForSearch(collection, record);
    }
  }
}
