import { getHeapStatistics } from 'node:v8';
import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import { firstEpisodeFrom, type Progress } from '../domain/spoilers.js';
import { type SeriesStory, storyAsSeen, storyRecords } from '../domain/story.js';
import { detectTrope, EVIDENCE_EVENT_KINDS, inStoryOrder, TROPE_KINDS, type Trope } from '../domain/tropes.js';
import { StoryTooLargeError } from '../errors.js';
import type { StoreReader, StoreVersion } from '../store/port.js';
import { afterPendingTurn, sliceOver } from './slices.js';
import { StateCache, type Tagged } from './state-cache.js';

/** What a story is read from: the store's reads, and its state (stories are kept while it lasts). */
export type StoryStore = Pick<
  StoreReader,
  'charactersBySeries' | 'relationshipsOfSeries' | 'eventsOfSeriesByKind' | 'firstShown'
> &
  Tagged &
  Pick<StoreVersion, 'journal'>;

/** About how many bytes of heap one story record takes (measured 0.8 to 1.8 KB on crafted series). */
const STORY_RECORD_BYTES = 1_500;

/**
 * Records the kept stories hold in all, and the most one story may hold: about an eighth of the heap (some 61,000
 * records with a 512 MB old space). A larger story is refused, once read, until a write touches its series. A story
 * of 110,000 events was read again for every derivation, 2 s apiece, and with 100,000 records kept a flood over a
 * few 30,000-event series ran the heap out (red teams 47 and 48).
 */
export const STORY_MAX_RECORDS = Math.floor(getHeapStatistics().heap_size_limit / 8 / STORY_RECORD_BYTES);

interface Stories {
  /** The store journal's position before any of these stories was read. */
  position: number;
  kept: LRUCache<string, SeriesStory>;
  /** Series whose story was found larger than STORY_MAX_RECORDS. */
  tooLarge: Set<string>;
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

function storiesOf(store: StoryStore, previous?: Stories, touched?: ReadonlySet<string>): Stories {
  const stories: Stories = {
    position: store.journal.position,
    kept: new LRUCache<string, SeriesStory>({
      maxSize: STORY_MAX_RECORDS,
      sizeCalculation: (story) => Math.max(1, storyRecords(story)),
    }),
    tooLarge: new Set<string>(),
    reading: new Map(),
    read: new DataLoader((keys) => readStories(store, keys), { cache: false, batchScheduleFn: afterPendingTurn }),
  };
  if (previous !== undefined && touched !== undefined) {
    for (const [key, story] of [...previous.kept.entries()].reverse())
      if (!touched.has(key)) stories.kept.set(key, story);
    for (const key of previous.tooLarge) if (!touched.has(key)) stories.tooLarge.add(key);
  }
  return stories;
}

/**
 * After this process wrote: the stories of the series the writes did not touch are kept (records never refer to
 * another series). Every write forgot every story, so a writer of one series every 300 ms left a flood over seven
 * others to work all of theirs out again (red team 47). When the journal cannot tell (an import), all are read again.
 */
function storiesAfterWrite(store: StoryStore, previous: Stories): Stories {
  const touched = store.journal.since(previous.position);
  return touched === null ? storiesOf(store) : storiesOf(store, previous, touched);
}

/**
 * A series' story, read once while the store's state lasts and shared by the derivations of every viewer's
 * progress: each derivation read the series' events anew, so a flood of tropes requests at many episodes read a
 * 20,000-event series again for each and spent most of its time collecting them (red team 46). It is read without
 * a request's signal, since others may be waiting for it; the derivation that asks for it is already bounded.
 */
export async function seriesStory(store: StoryStore, seriesKey: string): Promise<SeriesStory> {
  const { kept, tooLarge, reading, read } = await stories.get(
    store,
    async () => storiesOf(store),
    async (previous) => storiesAfterWrite(store, previous),
  );
  if (tooLarge.has(seriesKey)) throw new StoryTooLargeError(STORY_MAX_RECORDS);
  const found = kept.get(seriesKey) ?? reading.get(seriesKey);
  if (found !== undefined) return found;
  const story = read.load(seriesKey).then((done) => {
    if (storyRecords(done) <= STORY_MAX_RECORDS) return done;
    tooLarge.add(seriesKey);
    throw new StoryTooLargeError(STORY_MAX_RECORDS);
  });
  reading.set(seriesKey, story);
  try {
    const done = await story;
    kept.set(seriesKey, done);
    return done;
  } finally {
    reading.delete(seriesKey);
  }
}

/** Waits for the next turn of the event loop once operations' shared 10 ms slice is over (see sliceOver). */
const turnIfDue = async (): Promise<void> => {
  const turn = sliceOver(performance.now());
  if (turn !== null) await turn;
};

/**
 * A series' tropes as a viewer with `progress` sees them, from its shared story, in steps the event loop turns
 * between: worked out in one go, a story of 30,000 events held the loop for 55 to 114 ms each time (red team 47).
 */
export async function tropesOfStory(store: StoryStore, seriesKey: string, progress: Progress): Promise<Trope[]> {
  const story = await seriesStory(store, seriesKey);
  const seen = storyAsSeen(progress, story);
  await turnIfDue();
  const ordered = inStoryOrder(seen);
  const found: Trope[] = [];
  for (const kind of TROPE_KINDS) {
    await turnIfDue();
    const trope = detectTrope(kind, ordered);
    if (trope !== null) found.push(trope);
  }
  return found;
}
