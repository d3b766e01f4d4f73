import { seriesOf } from './keys.js';
import type { CharacterRecord, PlotEventRecord, RelationshipRecord } from './records.js';
import * as spoilers from './spoilers.js';
import type { StoryFacts } from './tropes.js';

/** One series' story as the store holds it, before any viewer's progress hides a part of it. */
export interface SeriesStory {
  characters: readonly CharacterRecord[];
  /** The episode each character first appears in (spoilers.firstEpisodeFrom), by character key. */
  firstEpisodes: ReadonlyMap<string, number>;
  relationships: readonly RelationshipRecord[];
  /** The series' events, or those of the kinds a reader needs (tropes: EVIDENCE_EVENT_KINDS). */
  events: readonly PlotEventRecord[];
}

/** How many records a story holds: characters, relationships and events. */
export const storyRecords = (story: SeriesStory): number =>
  story.characters.length + story.relationships.length + story.events.length;

/**
 * The story as a viewer with `progress` sees it, by the rules the request loaders apply one read at a time:
 * characters before the episode they first appear in are not met, and neither are the relationships with them;
 * events and relationships after the viewer's episode are not there, and the rest shows only what is revealed.
 */
export function storyAsSeen(progress: spoilers.Progress, story: SeriesStory): StoryFacts {
  const met = (key: string): boolean => {
    const first = story.firstEpisodes.get(key);
    return first === undefined || spoilers.episodeVisible(progress, seriesOf(key), first);
  };
  const characters = story.characters.filter((c) => met(c.key)).map((c) => spoilers.characterAsSeen(progress, c));
  return {
    names: new Map(characters.map((c) => [c.key, c.name])),
    relationships: story.relationships
      .filter((r) => spoilers.relationshipVisible(progress, r) && met(r.fromKey) && met(r.toKey))
      .map((r) => spoilers.relationshipAsSeen(progress, r)),
    events: story.events
      .filter((e) => spoilers.eventVisible(progress, e))
      .map((e) => spoilers.eventAsSeen(progress, e)),
  };
}
