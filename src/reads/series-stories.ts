import { getHeapStatistics } from 'node:v8';
import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import { firstEpisodeFrom, type Progress } from '../domain/spoilers.js';
import { type SeriesStory, storyAsSeen, storyRecords } from '../domain/story.js';
import { detectTrope, EVIDENCE_EVENT_KINDS, inStoryOrder, TROPE_KINDS, type Trope } from '../domain/tropes.js';
import { StoryTooLargeError } from '../errors.js';
import { NO_EVENT_FILTER, type StoreReader } from '../store/port.js';
import { afterPendingTurn, turnIfDue } from './slices.js';
import { afterWrites, carryOver, type Journaled, type LeftByWrites, StateCache } from './state-cache.js';

/** What a story is read from: the store's reads, and its state (stories are kept while it lasts). */
export type StoryStore = Pick<
  StoreReader,
  'charactersBySeries' | 'relationshipsOfSeries' | 'eventsOfSeriesByKind' | 'firstShown' | 'findEvents'
> &
  Journaled;

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

/**
 * Per store state: the stories read so far, and those being read. Never stale after a turn of the clock: the tropes
 * and profiles kept for a new data version are derived from these.
 */
const stories = new StateCache<Stories>({ staleWhileRevalidate: false });

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
 * New stories for the store's state; after this process wrote, those of the series the writes did not touch stay.
 * Every write forgot every story, so a writer of one series every 300 ms left a flood over seven others to work all
 * of theirs out again (red team 47).
 */
function storiesOf(store: StoryStore, left?: LeftByWrites<Stories>): Stories {
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
  if (left !== undefined) {
    carryOver(left.previous.kept, stories.kept, left.untouched);
    for (const key of left.previous.tooLarge) if (left.untouched(key)) stories.tooLarge.add(key);
  }
  return stories;
}

/**
 * How many events a series' story would hold, counted before any is read: a story far over STORY_MAX_RECORDS was
 * read whole before it was refused (5.4 s for 110,000 events, red team 57), and one larger still would not fit the heap.
 */
async function storyEventCount(store: StoryStore, seriesKey: string): Promise<number> {
  const filter = { ...NO_EVENT_FILTER, series: seriesKey, kinds: [...EVIDENCE_EVENT_KINDS] };
  return (await store.findEvents({ filter, first: 0, after: null })).totalCount;
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
    afterWrites(store, (left) => storiesOf(store, left)),
  );
  if (tooLarge.has(seriesKey)) throw new StoryTooLargeError(STORY_MAX_RECORDS);
  const found = kept.get(seriesKey) ?? reading.get(seriesKey);
  if (found !== undefined) return found;
  const tooMany = () => {
    tooLarge.add(seriesKey);
    return new StoryTooLargeError(STORY_MAX_RECORDS);
  };
  const story = (async () => {
    if ((await storyEventCount(store, seriesKey)) > STORY_MAX_RECORDS) throw tooMany();
    const done = await read.load(seriesKey);
    if (storyRecords(done) > STORY_MAX_RECORDS) throw tooMany();
    return done;
  })();
  reading.set(seriesKey, story);
  try {
    const done = await story;
    kept.set(seriesKey, done);
    return done;
  } finally {
    reading.delete(seriesKey);
  }
}

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
