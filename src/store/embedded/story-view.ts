import type { Collection, RecordOf } from '../../domain/collections.js';
import type { Dependent, EpisodePlace, Referenced, StoryView } from '../../domain/integrity/view.js';
import { episodeKey } from '../../domain/keys.js';
import type { Placed } from '../../domain/rules.js';
import type { GraphIndex } from './indexes.js';

const as = (collection: Collection, records: readonly { key: string }[]): Dependent[] =>
  records.map((r) => ({ collection, key: r.key }));

/** The embedded store's current state, read from its indexes while the store's write lock is held. */
export class EmbeddedStoryView implements StoryView {
  constructor(private readonly index: GraphIndex) {}

  async existing<C extends Referenced>(collection: C, keys: readonly string[]): Promise<Map<string, RecordOf<C>>> {
    const byKey = this.index.byKey[collection] as Map<string, RecordOf<C>>;
    return new Map(keys.flatMap((key) => (byKey.has(key) ? [[key, byKey.get(key)!] as const] : [])));
  }

  async dependents(collection: Referenced, keys: readonly string[]): Promise<Map<string, Dependent[]>> {
    return new Map(keys.map((key) => [key, this.dependentsOf(collection, key)]));
  }

  async eventPlaces(episodes: readonly EpisodePlace[], keys: readonly string[]): Promise<Placed[]> {
    const found = new Map<string, Placed>();
    const add = ({ key, seriesKey, episodeNumber, sequence }: Placed) =>
      found.set(key, { key, seriesKey, episodeNumber, sequence });
    for (const e of episodes) this.index.eventsByEpisode.get(episodeKey(e.seriesKey, e.episodeNumber)).forEach(add);
    for (const key of keys) {
      const event = this.index.byKey.events.get(key);
      if (event) add(event);
    }
    return [...found.values()];
  }

  private dependentsOf(collection: Referenced, key: string): Dependent[] {
    const x = this.index;
    switch (collection) {
      case 'series':
        return [
          ...as('episodes', x.episodesBySeries.get(key)),
          ...as('characters', x.charactersBySeries.get(key)),
          ...as('castings', x.castingsBySeries.get(key)),
          ...as('credits', x.creditsBySeries.get(key)),
          ...as('relationships', x.relationshipsBySeries.get(key)),
          ...as('events', x.eventsBySeries.get(key)),
        ];
      case 'episodes': {
        const episode = x.byKey.episodes.get(key);
        if (!episode) return [];
        const bounded = x.relationshipsBySeries
          .get(episode.seriesKey)
          .filter((r) => r.sinceEpisode === episode.number || r.untilEpisode === episode.number);
        return [...as('events', x.eventsByEpisode.get(key)), ...as('relationships', bounded)];
      }
      case 'characters':
        return [
          ...as('castings', x.castingsByCharacter.get(key)),
          ...as('relationships', x.relationshipsByCharacter.get(key)),
          ...as('events', x.eventsByCharacter.get(key)),
        ];
      case 'people':
        return [
          ...as('castings', x.castingsByPerson.get(key)),
          ...as('credits', x.creditsByPerson.get(key)),
          ...as(
            'series',
            x.allSeries().filter((s) => s.starring.includes(key)),
          ),
        ];
    }
  }
}
