import DataLoader from 'dataloader';
import type { ChangeEntry } from '../domain/change-log.js';
import { seriesOf, seriesOfKey, slugOf } from '../domain/keys.js';
import { gateNeighbourhood, joinParts, type Neighbourhood, partsOf } from '../domain/paths.js';
import type {
  CastingRecord,
  CharacterRecord,
  EpisodeRecord,
  PersonRecord,
  PlotEventRecord,
  RelationshipRecord,
  SeriesRecord,
} from '../domain/records.js';
import * as spoilers from '../domain/spoilers.js';
import type {
  CharacterEventsQuery,
  EpisodeEventsQuery,
  EventsPage,
  EventsPageRequest,
  LaterEventsQuery,
  PlannedAnswer,
  RelationshipQuery,
  SeriesPageRequest,
  StoreReader,
} from '../store/port.js';
import { tropesOfStory } from './series-stories.js';
import { sharedTropes } from './shared-tropes.js';
import { afterPendingTurn, turnIfDue } from './slices.js';
import type { Journaled } from './state-cache.js';

type Batch<K, V> = (keys: readonly K[]) => Promise<V[]>;

/** 'off' is the N+1 baseline of the benchmark: no batching and no caching, one key per store call. */
export type LoaderMode = 'on' | 'off';

function loaderFactory(mode: LoaderMode, signal: () => AbortSignal | undefined) {
  const options = mode === 'off' ? { batch: false, cache: false } : { batchScheduleFn: afterPendingTurn };
  return {
    /** What each store read is given: the signal that ends it once the request is answered, if any (StoreReader). */
    signal,
    /** Whether a planned read's answer is kept for this request (as DataLoader keeps primed values). */
    keeps: mode === 'on',
    byKey: <V>(batch: Batch<string, V>) => new DataLoader<string, V>(batch, options),
    byQuery: <K extends object, V>(batch: Batch<K, V>) =>
      new DataLoader<K, V, string>(batch, { cacheKeyFn: (key) => JSON.stringify(key), ...options }),
  };
}

type Factory = ReturnType<typeof loaderFactory>;
const loadAll = <K, V>(loader: DataLoader<K, V, unknown>, keys: readonly K[]) =>
  Promise.all(keys.map((k) => loader.load(k)));

/** The store's answers as they are, before the viewer's progress hides anything. */
function storeLoaders(store: StoreReader, { byKey, byQuery, signal }: Factory) {
  return {
    character: byKey((keys) => store.charactersByKeys(keys, signal())),
    charactersBySeries: byKey((keys) => store.charactersBySeries(keys, signal())),
    castingsBySeries: byKey((keys) => store.castingsBySeries(keys, signal())),
    castingsByPerson: byKey((keys) => store.castingsByPerson(keys, signal())),
    castingsByCharacter: byKey((keys) => store.castingsByCharacter(keys, signal())),
    relationship: byKey((keys) => store.relationshipsByKeys(keys, signal())),
    event: byKey((keys) => store.eventsByKeys(keys, signal())),
    relationshipHistory: byKey((keys) => store.relationshipHistories(keys, signal())),
    firstShown: byKey((keys) => store.firstShown(keys, signal())),
    laterEventCounts: byQuery((queries: readonly LaterEventsQuery[]) => store.laterEventCounts(queries, signal())),
    relationshipsOf: byQuery((queries: readonly RelationshipQuery[]) => store.relationshipsOf(queries, signal())),
    eventsOfEpisode: byQuery((queries: readonly EpisodeEventsQuery[]) => store.eventsOfEpisodes(queries, signal())),
    eventsOfCharacter: byQuery((queries: readonly CharacterEventsQuery[]) =>
      store.eventsOfCharacters(queries, signal()),
    ),
    relationshipsOfSeries: byKey((keys) => store.relationshipsOfSeries(keys, signal())),
    eventsOfSeries: byKey((keys) => store.eventsOfSeries(keys, signal())),
  };
}

type RawLoaders = ReturnType<typeof storeLoaders>;

/** A relationships query as the store is asked it: never later than the viewer's progress. */
export const cappedQuery = (progress: spoilers.Progress, q: RelationshipQuery): RelationshipQuery => ({
  characterKey: q.characterKey,
  asOfEpisode: spoilers.cappedEpisode(progress, seriesOf(q.characterKey), q.asOfEpisode),
});
type Met = (characterKey: string) => boolean;

/**
 * Who the viewer has met: a character is hidden before the episode they first appear in (firstEpisodeOf), in
 * the series the viewer gave progress for. Other series hide no one, and cost no loads.
 */
function meetings(raw: RawLoaders, progress: spoilers.Progress, { byKey }: Factory) {
  // From the earliest episodes the store finds by index: reading a character's every event cost a list of 20,000
  // events' characters a third of a second (red team 37).
  const firstEpisode = byKey(async (keys) => {
    const [characters, shown] = await Promise.all([loadAll(raw.character, keys), loadAll(raw.firstShown, keys)]);
    return keys.map((_key, i) => {
      const character = characters[i];
      const facts = shown[i]!;
      return character ? spoilers.firstEpisodeFrom(character, [facts.earliestEvent, facts.earliestSince]) : null;
    });
  });
  const metAmong = async (characterKeys: Iterable<string>): Promise<Met> => {
    const restricted = [...new Set(characterKeys)].filter((key) => progress.has(seriesOf(key)));
    if (restricted.length === 0) return () => true;
    const firsts = await loadAll(firstEpisode, restricted);
    const unmet = new Set(
      restricted.filter((key, i) => {
        const first = firsts[i];
        return first !== null && first !== undefined && !spoilers.episodeVisible(progress, seriesOf(key), first);
      }),
    );
    return (key) => !unmet.has(key);
  };
  return { firstEpisode, metAmong };
}

/** Records a planned read put in the loaders, readable without a promise; like DataLoader.prime, the first one stays. */
class Known<V> {
  readonly #values = new Map<string, V>();
  constructor(private readonly keeps: boolean) {}
  add(key: string, value: V): void {
    if (this.keeps && !this.#values.has(key)) this.#values.set(key, value);
  }
  get(key: string): V | undefined {
    return this.#values.get(key);
  }
}

/** Values derived from known records once per request, as resolvers ask for the same key many times. */
function memo<V>(derive: (key: string) => V): (key: string) => V {
  const derived = new Map<string, V>();
  return (key) => {
    if (derived.has(key)) return derived.get(key)!;
    const value = derive(key);
    derived.set(key, value);
    return value;
  };
}

/** Seeds a request's loaders with what the query planner read in one store request, as the batch methods answer. */
function primer(
  raw: RawLoaders,
  firstEpisode: DataLoader<string, number | null>,
  known: { characters: Known<CharacterRecord | null>; castings: Known<readonly CastingRecord[]> },
) {
  return (answer: PlannedAnswer) => {
    const records = new Map(answer.characters.map(({ key, record }) => [key, record]));
    for (const [key, record] of records) {
      raw.character.prime(key, record);
      known.characters.add(key, record);
      if (record === null) firstEpisode.prime(key, null);
    }
    for (const { query, items } of answer.relationships) raw.relationshipsOf.prime(query, items);
    for (const { query, items } of answer.episodeEvents) raw.eventsOfEpisode.prime(query, items);
    for (const { characterKey, items } of answer.characterCastings) {
      raw.castingsByCharacter.prime(characterKey, items);
      known.castings.add(characterKey, items);
    }
    for (const { seriesKey, items } of answer.seriesCastings) raw.castingsBySeries.prime(seriesKey, items);
    for (const { personKey, items } of answer.personCastings) raw.castingsByPerson.prime(personKey, items);
    for (const facts of answer.firstShown) {
      const record = records.get(facts.characterKey);
      if (record === undefined) continue;
      const first =
        record === null ? null : spoilers.firstEpisodeFrom(record, [facts.earliestEvent, facts.earliestSince]);
      firstEpisode.prime(facts.characterKey, first);
    }
  };
}

/**
 * Loaders that show only what the viewer has seen, with the rules of domain/spoilers.ts: characters before
 * they appear, and events, relationships, castings and neighbourhoods that would show them or come later.
 * Event pages (`events`) do not come through here: the store filters them by `visibleThrough`, with the
 * same rule (an event shows everyone in it, so none of its characters is hidden by then).
 */
function gatedLoaders(store: StoreReader, progress: spoilers.Progress, factory: Factory) {
  const { byKey, byQuery, signal } = factory;
  const raw = storeLoaders(store, factory);
  const { firstEpisode, metAmong } = meetings(raw, progress, factory);
  const known = {
    characters: new Known<CharacterRecord | null>(factory.keeps),
    castings: new Known<readonly CastingRecord[]>(factory.keeps),
  };
  const prime = primer(raw, firstEpisode, known);
  // Without progress for the series nobody is hidden, so a planned record is what the loader would answer.
  const ungated = (characterKey: string) => !progress.has(seriesOf(characterKey));
  const events = (list: readonly PlotEventRecord[]) => {
    const { items, hidden } = spoilers.gate(list, (e) => spoilers.eventVisible(progress, e));
    return { items: items.map((e) => spoilers.eventAsSeen(progress, e)), hidden };
  };
  const seen = (r: RelationshipRecord) => spoilers.relationshipAsSeen(progress, r);
  const ends = (lists: readonly (readonly RelationshipRecord[])[]) => lists.flat().flatMap((r) => [r.fromKey, r.toKey]);
  const relationshipsShown = (met: Met, list: readonly RelationshipRecord[]) =>
    list.filter((r) => spoilers.relationshipVisible(progress, r) && met(r.fromKey) && met(r.toKey)).map(seen);
  const relationshipLists = async (lists: readonly RelationshipRecord[][]) => {
    const met = await metAmong(ends(lists));
    return lists.map((list) => relationshipsShown(met, list));
  };
  const characterLists = async <T>(lists: readonly T[][], keyOf: (item: T) => string) => {
    const met = await metAmong(lists.flat().map(keyOf));
    return lists.map((list) => list.filter((item) => met(keyOf(item))));
  };
  const castingLists = async (lists: readonly CastingRecord[][]) =>
    (await characterLists(lists, castingKey)).map((list) => list.map((c) => spoilers.castingAsSeen(progress, c)));
  const capped = (q: RelationshipQuery) => cappedQuery(progress, q);
  const oneEvent = (e: PlotEventRecord | null) =>
    e !== null && spoilers.eventVisible(progress, e) ? spoilers.eventAsSeen(progress, e) : null;
  const castingKey = (c: CastingRecord) => c.characterKey;
  const character = byKey(async (keys: readonly string[]) => {
    const [records, met] = await Promise.all([loadAll(raw.character, keys), metAmong(keys)]);
    return records.map((c) => (c !== null && met(c.key) ? spoilers.characterAsSeen(progress, c) : null));
  });
  const relationship = byKey(async (keys: readonly string[]) => {
    const found = await loadAll(raw.relationship, keys);
    const met = await metAmong(ends([found.filter((r) => r !== null)]));
    return found.map((r) => (r === null ? null : (relationshipsShown(met, [r])[0] ?? null)));
  });
  const event = byKey(async (keys: readonly string[]) => (await loadAll(raw.event, keys)).map(oneEvent));
  /**
   * Whether the viewer may learn of a logged change: a change in a series they gave progress for shows only
   * what these loaders show now (an episode up to their progress, a character they met, a visible
   * relationship or event); a deleted character, casting, relationship or event can no longer be placed in
   * the story, so its DELETE is not shown there.
   */
  const changeShown = async (change: ChangeEntry): Promise<boolean> => {
    const { collection, key, operation } = change;
    if (change.series === null || !progress.has(change.series)) return true;
    if (collection === 'episodes') {
      const number = Number(key.slice(key.lastIndexOf('/') + 1));
      return spoilers.episodeVisible(progress, seriesOfKey(key), number);
    }
    if (collection === 'series' || collection === 'credits') return true;
    if (operation === 'DELETE') return false;
    switch (collection) {
      case 'characters':
        return (await character.load(key)) !== null;
      case 'relationships':
        return (await relationship.load(key)) !== null;
      case 'events':
        return (await event.load(key)) !== null;
      case 'castings': {
        const characterKey = key.slice(0, key.indexOf('@'));
        const cast = await raw.castingsByCharacter.load(characterKey);
        return cast.some((c) => c.key === key) && (await metAmong([characterKey]))(characterKey);
      }
      default:
        return true;
    }
  };
  return {
    prime,
    /** The episode each character first appears in (null for no such character), whatever the viewer's progress. */
    firstEpisode,
    /** Which of these characters the viewer has met; loads nothing for series without progress. */
    metAmong,
    /** A character record as the viewer may see it, for records found other than through these loaders (search). */
    characterAsSeen: (c: CharacterRecord) => spoilers.characterAsSeen(progress, c),
    character,
    /** What `character` would answer, when a planned read already holds it and no progress gates it; else undefined. */
    characterNow: memo((key): CharacterRecord | undefined => {
      const record = ungated(key) ? known.characters.get(key) : undefined;
      return record ? spoilers.characterAsSeen(progress, record) : undefined;
    }),
    /** What `castingsByCharacter` would answer, when a planned read already holds it and no progress gates it. */
    castingsByCharacterNow: memo((characterKey): readonly CastingRecord[] | undefined => {
      const castings = ungated(characterKey) ? known.castings.get(characterKey) : undefined;
      return castings?.map((c) => spoilers.castingAsSeen(progress, c));
    }),
    changeShown,
    charactersBySeries: byKey(async (keys) =>
      (await characterLists(await loadAll(raw.charactersBySeries, keys), (c) => c.key)).map((list) =>
        list.map((c) => spoilers.characterAsSeen(progress, c)),
      ),
    ),
    castingsBySeries: byKey(async (keys) => castingLists(await loadAll(raw.castingsBySeries, keys))),
    castingsByPerson: byKey(async (keys) => castingLists(await loadAll(raw.castingsByPerson, keys))),
    castingsByCharacter: byKey(async (keys) => castingLists(await loadAll(raw.castingsByCharacter, keys))),
    relationship,
    event,
    relationshipHistory: byKey(async (keys) => relationshipLists(await loadAll(raw.relationshipHistory, keys))),
    relationshipsOf: byQuery(async (queries: readonly RelationshipQuery[]) =>
      relationshipLists(await loadAll(raw.relationshipsOf, queries.map(capped))),
    ),
    eventsOfEpisode: byQuery(async (queries: readonly EpisodeEventsQuery[]) =>
      (await loadAll(raw.eventsOfEpisode, queries)).map((list) => events(list).items),
    ),
    eventsOfCharacter: byQuery(async (queries: readonly CharacterEventsQuery[]) =>
      (await loadAll(raw.eventsOfCharacter, queries)).map((list) => events(list).items),
    ),
    relationshipsOfSeries: byKey(async (keys) => relationshipLists(await loadAll(raw.relationshipsOfSeries, keys))),
    eventsOfSeries: byKey(async (keys) => (await loadAll(raw.eventsOfSeries, keys)).map((list) => events(list).items)),
    /**
     * One store call for one search's hop, never batched with another search's: the store weighs a call's events as a
     * whole, and a batch of two aliases' hops refused a small search for a large one beside it (red team 60).
     */
    neighbourhoods: async (keys: readonly string[]): Promise<Neighbourhood[]> => {
      const found = await store.neighbourhoods(keys, signal(), spoilers.visibleThrough(progress));
      const met = await metAmong([
        ...keys.filter((key) => key.includes('/')),
        ...found.flatMap((n) => [...ends([n.relationships]), ...n.castings.map(castingKey)]),
      ]);
      const gated: Neighbourhood[] = [];
      for (const [i, n] of found.entries()) {
        const parts: Neighbourhood[] = [];
        if (met(keys[i]!)) {
          for (const part of partsOf(n)) {
            await turnIfDue();
            parts.push(gateNeighbourhood(progress, part, met));
          }
        }
        gated.push(joinParts(parts));
      }
      return gated;
    },
    // Counted without reading what nobody is shown: every event of an episode the viewer may see is in it, and a
    // character's list of a 20,000-event series cost a third of a second when each one's events were read (red
    // team 38).
    hiddenInEpisode: byKey(async (keys) => {
      const later = keys.filter((key) => !spoilers.episodeVisible(progress, seriesOf(key), Number(slugOf(key))));
      if (later.length === 0) return keys.map(() => 0);
      const lists = await loadAll(
        raw.eventsOfEpisode,
        later.map((episodeKey) => ({ episodeKey, kinds: null })),
      );
      const hidden = new Map(later.map((key, i) => [key, events(lists[i]!).hidden]));
      return keys.map((key) => hidden.get(key) ?? 0);
    }),
    hiddenOfCharacter: byKey(async (keys) => {
      const watched = keys.filter((key) => progress.has(seriesOf(key)));
      if (watched.length === 0) return keys.map(() => 0);
      const [histories, later] = await Promise.all([
        loadAll(raw.relationshipHistory, watched),
        loadAll(
          raw.laterEventCounts,
          watched.map((characterKey) => ({ characterKey, afterEpisode: progress.get(seriesOf(characterKey))! })),
        ),
      ]);
      const shown = await relationshipLists(histories);
      const hidden = new Map(
        watched.map((key, i) => [key, later[i]! + histories[i]!.length - shown[i]!.length] as const),
      );
      return keys.map((key) => hidden.get(key) ?? 0);
    }),
  };
}

/** What the loaders read: the store's reads, and its state (which the tropes shared across requests follow). */
export type LoaderStore = StoreReader & Journaled;

/**
 * One set per request: every lookup in a request goes through these, so each level is one store call. `signal`
 * gives, when a read is made, the signal that ends it once the request is answered (see budgetSignal).
 */
export function createLoaders(
  store: LoaderStore,
  progress: spoilers.Progress = spoilers.NO_PROGRESS,
  mode: LoaderMode = 'on',
  signal: () => AbortSignal | undefined = () => undefined,
  client = 'local',
  aside: <T>(wait: Promise<T>) => Promise<T> = (wait) => wait,
) {
  const factory = loaderFactory(mode, signal);
  const { byKey, byQuery } = factory;
  const episodeShown = (e: EpisodeRecord) => spoilers.episodeVisible(progress, e.seriesKey, e.number);
  const shownEpisode = (e: EpisodeRecord | null) => (e && episodeShown(e) ? e : null);
  const episode = byKey(async (keys) => (await store.episodesByKeys(keys, signal())).map(shownEpisode));
  /** Pages of events as the store filters them (by `visibleThrough` too): not gated here. */
  const eventsPage = byQuery((requests: readonly EventsPageRequest[]) =>
    Promise.all(requests.map((request): Promise<EventsPage> => store.findEvents(request, signal()))),
  );
  const gated = gatedLoaders(store, progress, factory);
  const episodesBySeries = byKey(async (keys) =>
    (await store.episodesBySeries(keys, signal())).map((l) => l.filter(episodeShown)),
  );
  const series = byKey((keys) => store.seriesByKeys(keys, signal()));
  const seriesPage = byQuery((requests: readonly SeriesPageRequest[]) =>
    Promise.all(requests.map((request) => store.listSeries(request, signal()))),
  );
  const person = byKey((keys) => store.peopleByKeys(keys, signal()));
  const knownPeople = new Known<PersonRecord | null>(factory.keeps);
  const creditsBySeries = byKey((keys) => store.creditsBySeries(keys, signal()));
  const creditsByPerson = byKey((keys) => store.creditsByPerson(keys, signal()));
  /** A series' tropes as this viewer sees them, from its story as every viewer shares it (seriesStory). */
  const derivedTropes = (key: string) => tropesOfStory(store, key, progress);
  /** Each series' tropes as this viewer sees them, shared with every viewer at the same episode (sharedTropes). */
  const tropes = byKey(async (keys) => {
    const records = await loadAll(series, keys);
    const found = records.filter((record): record is SeriesRecord => record !== null);
    const lists = await sharedTropes(store, found, progress, derivedTropes, client, signal(), aside);
    const byKey = new Map(found.map((record, i) => [record.key, lists[i]!]));
    return keys.map((key) => byKey.get(key) ?? []);
  });
  const prime = (answer: PlannedAnswer) => {
    for (const { key, record } of answer.series) series.prime(key, record);
    for (const { request, page } of answer.seriesPages) {
      seriesPage.prime(request, page);
      for (const record of page.items) series.prime(record.key, record);
    }
    for (const { key, record } of answer.people) {
      person.prime(key, record);
      knownPeople.add(key, record);
    }
    for (const { seriesKey, items } of answer.seriesCredits) creditsBySeries.prime(seriesKey, items);
    for (const { personKey, items } of answer.personCredits) creditsByPerson.prime(personKey, items);
    for (const { seriesKey, items } of answer.episodeLists) {
      episodesBySeries.prime(seriesKey, items.filter(episodeShown));
      for (const record of items) episode.prime(record.key, shownEpisode(record));
    }
    for (const { key, record } of answer.episodes) episode.prime(key, shownEpisode(record));
    for (const { request, page } of answer.eventPages) eventsPage.prime(request, page);
    gated.prime(answer);
  };
  return {
    /** Whose request these loaders serve (a verified token, else an IP address): derivations are shared fairly. */
    client,
    /** Aborts once nobody reads this request's answer: a derivation only it waits for leaves the line. */
    answered: signal,
    /** Waits for a derivation with the request's operation place given back meanwhile (see stepAside). */
    aside,
    series,
    /** Pages of allSeries (listSeries). */
    seriesPage,
    /** Episodes after the viewer's progress are not there: their titles tell the story ahead. */
    episode,
    eventsPage,
    episodeShown,
    person,
    episodesBySeries,
    creditsBySeries,
    creditsByPerson,
    /** A series' tropes (the record in hand spares reading it again). */
    tropesOf: (record: SeriesRecord) => {
      series.prime(record.key, record);
      return tropes.load(record.key);
    },
    derivedTropes,
    ...gated,
    /** Who plays a character (castingsByCharacter's people), when a planned read already holds all of it; else undefined. */
    portrayersNow: memo((characterKey): PersonRecord[] | undefined => {
      const people = gated.castingsByCharacterNow(characterKey)?.map((c) => knownPeople.get(c.personKey));
      return people?.every((p) => p !== undefined && p !== null) ? people : undefined;
    }),
    /** Seeds these loaders with a planned read's answer (see reads/planner); a no-op without per-request caching. */
    prime,
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
