import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import { firstEpisodeFrom } from '../domain/spoilers.js';
import type { SeriesStory } from '../domain/story.js';
import { storySize } from '../domain/story.js';
import { EVIDENCE_EVENT_KINDS } from '../domain/tropes.js';
import type { StoreReader } from '../store/port.js';
import { afterPendingTurn } from './slices.js';
import { StateCache, type Tagged } from './state-cache.js';

/** What a story is read from: the store's reads, and its state (stories are kept while it lasts). */
export type StoryStore = Pick<
  StoreReader,
  'charactersBySeries' | 'relationshipsOfSeries' | 'eventsOfSeriesByKind' | 'firstShown'
> &
  Tagged;

/** Records the kept stories hold in all; a story of more is read again by each derivation that needs it. */
const KEPT_RECORDS = 100_000;

interface Stories {
  kept: LRUCache<string, SeriesStory>;
  reading: Map<string, Promise<SeriesStory>>;
  read: DataLoader<string, SeriesStory>;
}

/** Per store state: the stories read so far, and those being read. */
const stories = new StateCache<Stories>();

/** The stories of these series, each with its characters' first episodes, in two round trips for all of them. */
async function readStories(store: StoryStore, seriesKeys: readonly string[]): Promise<SeriesStory[]> {
  const [characters, relationships, events] = await Promise.all([
    store.charactersBySeries(seriesKeys),
    store.relationshipsOfSeries(seriesKeys),
    store.eventsOfSeriesByKind(seriesKeys.map((seriesKey) => ({ seriesKey, kinds: [...EVIDENCE_EVENT_KINDS] }))),
  ]);
  const everyone = characters.flat();
  const shown = everyone.length === 0 ? [] : await store.firstShown(everyone.map((c) => c.key));
  const firsts = new Map(shown.map((facts) => [facts.characterKey, [facts.earliestEvent, facts.earliestSince]]));
  return seriesKeys.map((_key, i) => ({
    characters: characters[i]!,
    firstEpisodes: new Map(characters[i]!.map((c) => [c.key, firstEpisodeFrom(c, firsts.get(c.key) ?? [])])),
    relationships: relationships[i]!,
    events: events[i]!,
  }));
}

/**
 * A series' story, read once while the store's state lasts and shared by the derivations of every viewer's
 * progress: each derivation read the series' events anew, so a flood of tropes requests at many episodes read a
 * 20,000-event series again for each and spent most of its time collecting them (red team 46). It is read without
 * a request's signal, since others may be waiting for it; the derivation that asks for it is already bounded.
 */
export async function seriesStory(store: StoryStore, seriesKey: string): Promise<SeriesStory> {
  const { kept, reading, read } = await stories.get(store, async () => ({
    kept: new LRUCache<string, SeriesStory>({ maxSize: KEPT_RECORDS, sizeCalculation: storySize }),
    reading: new Map(),
    read: new DataLoader((keys) => readStories(store, keys), { cache: false, batchScheduleFn: afterPendingTurn }),
  }));
  const found = kept.get(seriesKey) ?? reading.get(seriesKey);
  if (found !== undefined) return found;
  const story = read.load(seriesKey);
  reading.set(seriesKey, story);
  try {
    const done = await story;
    kept.set(seriesKey, done);
    return done;
  } finally {
    reading.delete(seriesKey);
  }
}
