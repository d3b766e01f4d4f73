import DataLoader from 'dataloader';
import { seriesOf } from '../domain/keys.js';
import { gateNeighbourhood } from '../domain/paths.js';
import type { PlotEventRecord, RelationshipRecord } from '../domain/records.js';
import * as spoilers from '../domain/spoilers.js';
import type { CharacterEventsQuery, EpisodeEventsQuery, RelationshipQuery, StoreReader } from '../store/port.js';

type Batch<K, V> = (keys: readonly K[]) => Promise<V[]>;

/** 'off' is the N+1 baseline of the benchmark: no batching and no caching, one key per store call. */
export type LoaderMode = 'on' | 'off';

function loaderFactory(mode: LoaderMode) {
  const options = mode === 'off' ? { batch: false, cache: false } : {};
  return {
    byKey: <V>(batch: Batch<string, V>) => new DataLoader<string, V>(batch, options),
    byQuery: <K extends object, V>(batch: Batch<K, V>) =>
      new DataLoader<K, V, string>(batch, { cacheKeyFn: (key) => JSON.stringify(key), ...options }),
  };
}

type Factory = ReturnType<typeof loaderFactory>;
const loadAll = <K, V>(loader: DataLoader<K, V, unknown>, keys: readonly K[]) =>
  Promise.all(keys.map((k) => loader.load(k)));

/** The store's answers as they are, before the viewer's progress hides anything. */
function storeLoaders(store: StoreReader, { byKey, byQuery }: Factory) {
  return {
    relationship: byKey((keys) => store.relationshipsByKeys(keys)),
    event: byKey((keys) => store.eventsByKeys(keys)),
    relationshipHistory: byKey((keys) => store.relationshipHistories(keys)),
    eventsOfEpisode: byQuery((queries: readonly EpisodeEventsQuery[]) => store.eventsOfEpisodes(queries)),
    eventsOfCharacter: byQuery((queries: readonly CharacterEventsQuery[]) => store.eventsOfCharacters(queries)),
    relationshipsOfSeries: byKey((keys) => store.relationshipsOfSeries(keys)),
    eventsOfSeries: byKey((keys) => store.eventsOfSeries(keys)),
  };
}

/**
 * Loaders that show only what the viewer has seen, with the rules of domain/spoilers.ts. Event pages
 * (`events`) do not come through here: the store filters them by `visibleThrough`, with the same rule.
 */
function gatedLoaders(store: StoreReader, progress: spoilers.Progress, factory: Factory) {
  const { byKey, byQuery } = factory;
  const raw = storeLoaders(store, factory);
  const events = (list: readonly PlotEventRecord[]) => spoilers.gate(list, (e) => spoilers.eventVisible(progress, e));
  const seen = (r: RelationshipRecord) => spoilers.relationshipAsSeen(progress, r);
  const relationships = (list: readonly RelationshipRecord[]) =>
    spoilers.gate(list, (r) => spoilers.relationshipVisible(progress, r)).items.map(seen);
  const capped = (q: RelationshipQuery): RelationshipQuery => ({
    ...q,
    asOfEpisode: spoilers.cappedEpisode(progress, seriesOf(q.characterKey), q.asOfEpisode),
  });
  const oneRelationship = (r: RelationshipRecord | null) =>
    r !== null && spoilers.relationshipVisible(progress, r) ? seen(r) : null;
  const oneEvent = (e: PlotEventRecord | null) => (e !== null && spoilers.eventVisible(progress, e) ? e : null);
  const eventsOfCharacter = (key: string) => raw.eventsOfCharacter.load({ characterKey: key, role: null, kinds: null });
  return {
    relationship: byKey(async (keys) => (await loadAll(raw.relationship, keys)).map(oneRelationship)),
    event: byKey(async (keys) => (await loadAll(raw.event, keys)).map(oneEvent)),
    relationshipHistory: byKey(async (keys) => (await loadAll(raw.relationshipHistory, keys)).map(relationships)),
    relationshipsOf: byQuery(async (queries: readonly RelationshipQuery[]) =>
      (await store.relationshipsOf(queries.map(capped))).map((list) => list.map(seen)),
    ),
    eventsOfEpisode: byQuery(async (queries: readonly EpisodeEventsQuery[]) =>
      (await loadAll(raw.eventsOfEpisode, queries)).map((list) => events(list).items),
    ),
    eventsOfCharacter: byQuery(async (queries: readonly CharacterEventsQuery[]) =>
      (await loadAll(raw.eventsOfCharacter, queries)).map((list) => events(list).items),
    ),
    relationshipsOfSeries: byKey(async (keys) => (await loadAll(raw.relationshipsOfSeries, keys)).map(relationships)),
    eventsOfSeries: byKey(async (keys) => (await loadAll(raw.eventsOfSeries, keys)).map((list) => events(list).items)),
    neighbourhood: byKey(async (keys) => (await store.neighbourhoods(keys)).map((n) => gateNeighbourhood(progress, n))),
    hiddenInEpisode: byKey(async (keys) =>
      (
        await loadAll(
          raw.eventsOfEpisode,
          keys.map((episodeKey) => ({ episodeKey, kinds: null })),
        )
      ).map((l) => events(l).hidden),
    ),
    hiddenOfCharacter: byKey(async (keys) => {
      const [histories, lists] = await Promise.all([
        loadAll(raw.relationshipHistory, keys),
        Promise.all(keys.map(eventsOfCharacter)),
      ]);
      return keys.map(
        (_key, i) => events(lists[i]!).hidden + histories[i]!.length - relationships(histories[i]!).length,
      );
    }),
  };
}

/** One set per request: every lookup in a request goes through these, so each level is one store call. */
export function createLoaders(
  store: StoreReader,
  progress: spoilers.Progress = spoilers.NO_PROGRESS,
  mode: LoaderMode = 'on',
) {
  const factory = loaderFactory(mode);
  const { byKey } = factory;
  return {
    series: byKey((keys) => store.seriesByKeys(keys)),
    episode: byKey((keys) => store.episodesByKeys(keys)),
    character: byKey((keys) => store.charactersByKeys(keys)),
    person: byKey((keys) => store.peopleByKeys(keys)),
    episodesBySeries: byKey((keys) => store.episodesBySeries(keys)),
    charactersBySeries: byKey((keys) => store.charactersBySeries(keys)),
    castingsBySeries: byKey((keys) => store.castingsBySeries(keys)),
    castingsByPerson: byKey((keys) => store.castingsByPerson(keys)),
    castingsByCharacter: byKey((keys) => store.castingsByCharacter(keys)),
    creditsBySeries: byKey((keys) => store.creditsBySeries(keys)),
    creditsByPerson: byKey((keys) => store.creditsByPerson(keys)),
    ...gatedLoaders(store, progress, factory),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
