import { episodeKey } from '../../domain/keys.js';
import type { Collection, RecordOf } from '../../domain/writes/changes.js';
import { slotOf, type Dependent, type Referenced, type StoryView } from '../../domain/writes/view.js';
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

  async eventsAt(slots: readonly { seriesKey: string; episodeNumber: number; sequence: number }[]) {
    const taken = new Map<string, string>();
    for (const s of slots) {
      const holder = this.index.eventsByEpisode.get(episodeKey(s.seriesKey, s.episodeNumber)).find((e) => e.sequence === s.sequence);
      if (holder) taken.set(slotOf(s.seriesKey, s.episodeNumber, s.sequence), holder.key);
    }
    return taken;
  }

  private dependentsOf(collection: Referenced, key: string): Dependent[] {
    const x = this.index;
    switch (collection) {
      case 'series':
        return [
          ...as('episodes', x.episodesBySeries.get(key)), ...as('characters', x.charactersBySeries.get(key)),
          ...as('castings', x.castingsBySeries.get(key)), ...as('credits', x.creditsBySeries.get(key)),
          ...as('relationships', x.relationshipsBySeries.get(key)), ...as('events', x.eventsBySeries.get(key)),
        ];
      case 'episodes': {
        const episode = x.byKey.episodes.get(key);
        if (!episode) return [];
        const bounded = x.relationshipsBySeries.get(episode.seriesKey)
          .filter((r) => r.sinceEpisode === episode.number || r.untilEpisode === episode.number);
        return [...as('events', x.eventsByEpisode.get(key)), ...as('relationships', bounded)];
      }
      case 'characters':
        return [
          ...as('castings', x.castingsByCharacter.get(key)), ...as('relationships', x.relationshipsByCharacter.get(key)),
          ...as('events', x.eventsByCharacter.get(key)),
        ];
      case 'people':
        return [
          ...as('castings', x.castingsByPerson.get(key)), ...as('credits', x.creditsByPerson.get(key)),
          ...as('series', x.allSeries().filter((s) => s.starring.includes(key))),
        ];
    }
  }
}
