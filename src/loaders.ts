import DataLoader from 'dataloader';
import type { DramaStore, CharacterEventsQuery, EpisodeEventsQuery, RelationshipQuery } from './store/port.js';

type Batch<K, V> = (keys: readonly K[]) => Promise<V[]>;

const byKey = <V>(batch: Batch<string, V>) => new DataLoader<string, V>(batch);
const byQuery = <K extends object, V>(batch: Batch<K, V>) =>
  new DataLoader<K, V, string>(batch, { cacheKeyFn: (key) => JSON.stringify(key) });

/** One set per request: every lookup in a request goes through these, so each level is one store call. */
export function createLoaders(store: DramaStore) {
  return {
    series: byKey((keys) => store.seriesByKeys(keys)),
    episode: byKey((keys) => store.episodesByKeys(keys)),
    character: byKey((keys) => store.charactersByKeys(keys)),
    person: byKey((keys) => store.peopleByKeys(keys)),
    relationship: byKey((keys) => store.relationshipsByKeys(keys)),
    event: byKey((keys) => store.eventsByKeys(keys)),
    episodesBySeries: byKey((keys) => store.episodesBySeries(keys)),
    charactersBySeries: byKey((keys) => store.charactersBySeries(keys)),
    castingsBySeries: byKey((keys) => store.castingsBySeries(keys)),
    castingsByPerson: byKey((keys) => store.castingsByPerson(keys)),
    castingsByCharacter: byKey((keys) => store.castingsByCharacter(keys)),
    creditsBySeries: byKey((keys) => store.creditsBySeries(keys)),
    creditsByPerson: byKey((keys) => store.creditsByPerson(keys)),
    relationshipsOf: byQuery((queries: readonly RelationshipQuery[]) => store.relationshipsOf(queries)),
    eventsOfEpisode: byQuery((queries: readonly EpisodeEventsQuery[]) => store.eventsOfEpisodes(queries)),
    eventsOfCharacter: byQuery((queries: readonly CharacterEventsQuery[]) => store.eventsOfCharacters(queries)),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
