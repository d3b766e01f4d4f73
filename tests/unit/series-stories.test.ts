import { expect, it } from 'vitest';
import type { CharacterRecord, PlotEventRecord } from '../../src/domain/records.js';
import { EVIDENCE_EVENT_KINDS } from '../../src/domain/tropes.js';
import { STORY_MAX_RECORDS, type StoryStore, seriesStory } from '../../src/reads/series-stories.js';

/** A store whose series each hold `events` events, counting its reads; `failing` makes them fail. */
function fakeStore(events = 2, soleWriter = false) {
  const reads: string[][] = [];
  const counted: string[] = [];
  let failing = false;
  let version = 0;
  /** The series each write touched (null: any), as the store's journal records them. */
  const written: (readonly string[] | null)[] = [];
  const store: { -readonly [K in keyof StoryStore]: StoryStore[K] } = {
    stateTag: { writes: `stories-${Math.random()}`, epoch: 0 },
    dataVersion: async () => String(version),
    soleWriter,
    charactersBySeries: async (keys) =>
      keys.map((k) => [{ key: `${k}/ann`, name: 'Ann', firstEpisode: null } as CharacterRecord]),
    relationshipsOfSeries: async (keys) => keys.map(() => []),
    eventsOfSeriesByKind: async (queries) => {
      reads.push(queries.map((q) => q.seriesKey));
      await new Promise((resolve) => setImmediate(resolve));
      if (failing) throw new Error('store gone');
      return queries.map(() => Array.from({ length: events }, () => ({}) as PlotEventRecord));
    },
    findEvents: async ({ filter, first }) => {
      counted.push(filter.series!);
      expect(filter.kinds).toEqual([...EVIDENCE_EVENT_KINDS]);
      expect(first).toBe(0);
      return { items: [], hasNextPage: events > 0, totalCount: events, hiddenCount: 0 };
    },
    firstShown: async (keys) => keys.map((characterKey) => ({ characterKey, earliestEvent: 3, earliestSince: null })),
    journal: {
      get position() {
        return written.length;
      },
      since: (position) => {
        const later = written.slice(position);
        return later.includes(null) ? null : new Set(later.flatMap((keys) => keys ?? []));
      },
    },
  };
  return {
    store,
    reads,
    counted,
    fail: (value: boolean) => {
      failing = value;
    },
    tick: () => {
      store.stateTag = { ...store.stateTag, epoch: store.stateTag.epoch + 1 };
    },
    write: (touched: readonly string[] | null = null) => {
      written.push(touched);
      version += 1;
      store.stateTag = { ...store.stateTag, writes: `${store.stateTag.writes}+` };
    },
  };
}

it('reads a story once for everyone who asks, together with the other series asked at the same time', async () => {
  const { store, reads } = fakeStore();
  const stories = await Promise.all([seriesStory(store, 'a'), seriesStory(store, 'a'), seriesStory(store, 'b')]);
  expect(reads).toEqual([['a', 'b']]);
  expect(stories[0]).toBe(stories[1]);
  expect(stories[0]!.firstEpisodes).toEqual(new Map([['a/ann', 3]]));
  await seriesStory(store, 'a');
  expect(reads).toHaveLength(1);
});

it('keeps no story whose read failed: the next ask reads it again', async () => {
  const { store, reads, fail } = fakeStore();
  fail(true);
  await expect(seriesStory(store, 'a')).rejects.toThrow('store gone');
  fail(false);
  expect((await seriesStory(store, 'a')).events).toHaveLength(2);
  expect(reads).toEqual([['a'], ['a']]);
});

it('reads a story again after a write', async () => {
  const { store, reads, write } = fakeStore();
  await seriesStory(store, 'a');
  write();
  await seriesStory(store, 'a');
  expect(reads).toEqual([['a'], ['a']]);
});

// Red team 47: a story of 110,000 events was read again for every derivation, and a flood of them ran the heap out.
it('refuses a story larger than the bound with STORY_TOO_LARGE, read once until the next write', async () => {
  const { store, reads, write } = fakeStore(STORY_MAX_RECORDS);
  const refused = { extensions: { code: 'STORY_TOO_LARGE', limit: STORY_MAX_RECORDS } };
  await expect(seriesStory(store, 'huge')).rejects.toMatchObject(refused);
  await expect(seriesStory(store, 'huge')).rejects.toMatchObject(refused);
  expect(reads).toEqual([['huge']]);
  write();
  await expect(seriesStory(store, 'huge')).rejects.toMatchObject(refused);
  expect(reads).toEqual([['huge'], ['huge']]);
});

// Red team 57: a story of 110,000 events was read whole (5.4 s, /health held 2.45 s) before it was refused.
it('refuses a story whose events alone are over the bound without reading any of them', async () => {
  const { store, reads, counted, write } = fakeStore(STORY_MAX_RECORDS + 1);
  await expect(seriesStory(store, 'huge')).rejects.toMatchObject({ extensions: { code: 'STORY_TOO_LARGE' } });
  await expect(seriesStory(store, 'huge')).rejects.toMatchObject({ extensions: { code: 'STORY_TOO_LARGE' } });
  expect(reads).toEqual([]);
  expect(counted).toEqual(['huge']);
  write(['huge']);
  await expect(seriesStory(store, 'huge')).rejects.toMatchObject({ extensions: { code: 'STORY_TOO_LARGE' } });
  expect(counted).toEqual(['huge', 'huge']);
  expect(reads).toEqual([]);
});

// Red team 48: a story of exactly the bound was refused, where the docs say "over".
it('keeps a story of exactly the bound', async () => {
  // One character and the events make the story's records.
  const { store, reads } = fakeStore(STORY_MAX_RECORDS - 1);
  expect((await seriesStory(store, 'full')).events).toHaveLength(STORY_MAX_RECORDS - 1);
  await seriesStory(store, 'full');
  expect(reads).toEqual([['full']]);
});

// Red team 47: a writer of one series every 300 ms made every other series' story be read again.
it('keeps the stories of the series a write did not touch, and reads again the one it did', async () => {
  const { store, reads, write } = fakeStore();
  const before = await Promise.all([seriesStory(store, 'a'), seriesStory(store, 'b')]);
  write(['a']);
  const after = await Promise.all([seriesStory(store, 'a'), seriesStory(store, 'b')]);
  expect(reads).toEqual([['a', 'b'], ['a']]);
  expect(after[1]).toBe(before[1]);
  expect(after[0]).not.toBe(before[0]);
  // A write the journal cannot place (an import) forgets them all.
  write(null);
  await Promise.all([seriesStory(store, 'a'), seriesStory(store, 'b')]);
  expect(reads).toEqual([['a', 'b'], ['a'], ['a', 'b']]);
});

it('forgets that a story was too large once a write touches its series', async () => {
  const { store, reads, write } = fakeStore(STORY_MAX_RECORDS);
  await expect(seriesStory(store, 'huge')).rejects.toMatchObject({ extensions: { code: 'STORY_TOO_LARGE' } });
  write(['other']);
  await expect(seriesStory(store, 'huge')).rejects.toMatchObject({ extensions: { code: 'STORY_TOO_LARGE' } });
  expect(reads).toEqual([['huge']]);
  write(['huge']);
  await expect(seriesStory(store, 'huge')).rejects.toMatchObject({ extensions: { code: 'STORY_TOO_LARGE' } });
  expect(reads).toEqual([['huge'], ['huge']]);
});

// A writer every 300 ms, with the clock's turn every 5 s, still had every series' story read again: the data version
// its own writes moved looked like another process's write.
it.each([
  [true, [['a', 'b'], ['a']]],
  [false, [['a', 'b'], ['a'], ['a', 'b']]],
])(
  'after a write and a turn of the clock, a sole writer (%s) reads again only what another process could have changed',
  async (soleWriter, expected) => {
    const { store, reads, write, tick } = fakeStore(2, soleWriter);
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    await Promise.all([seriesStory(store, 'a'), seriesStory(store, 'b')]);
    write(['a']);
    await Promise.all([seriesStory(store, 'a'), seriesStory(store, 'b')]);
    tick();
    await Promise.all([seriesStory(store, 'a'), seriesStory(store, 'b')]);
    for (let i = 0; i < 5; i++) await settle();
    await Promise.all([seriesStory(store, 'a'), seriesStory(store, 'b')]);
    expect(reads).toEqual(expected);
  },
);
