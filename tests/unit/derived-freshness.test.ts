import { expect, it } from 'vitest';
import type { CharacterRecord, PlotEventRecord } from '../../src/domain/records.js';
import { NO_PROGRESS } from '../../src/domain/spoilers.js';
import { type StoryStore, tropesOfStory } from '../../src/reads/series-stories.js';
import { sharedTropes } from '../../src/reads/shared-tropes.js';

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};

const confession = {
  key: 's/rejected',
  seriesKey: 's',
  kind: 'CONFESSION',
  outcome: 'REJECTED',
  agentKey: 's/ann',
  targetKey: 's/bo',
  episodeNumber: 4,
  sequence: 1,
  basis: [],
  participants: [
    { characterKey: 's/ann', role: 'AGENT' },
    { characterKey: 's/bo', role: 'TARGET' },
  ],
} as unknown as PlotEventRecord;

/** A store another process writes to: only its data version moves, and the clock turns the tag's epoch. */
function otherProcessStore() {
  let events: PlotEventRecord[] = [];
  let version = 0;
  const store: { -readonly [K in keyof StoryStore]: StoryStore[K] } = {
    stateTag: { writes: `fresh-${Math.random()}`, epoch: 0 },
    dataVersion: async () => String(version),
    soleWriter: false,
    charactersBySeries: async (keys) =>
      keys.map((k) =>
        ['ann', 'bo'].map(
          (slug) =>
            ({
              key: `${k}/${slug}`,
              seriesKey: k,
              name: slug,
              firstEpisode: 1,
              basis: [],
              description: [],
              aliases: [],
            }) as unknown as CharacterRecord,
        ),
      ),
    relationshipsOfSeries: async (keys) => keys.map(() => []),
    eventsOfSeriesByKind: async (queries) => queries.map(() => events),
    findEvents: async () => ({ items: [], hasNextPage: false, totalCount: events.length, hiddenCount: 0 }),
    firstShown: async (keys) => keys.map((characterKey) => ({ characterKey, earliestEvent: 1, earliestSince: null })),
    journal: { position: 0, since: () => null },
  };
  return {
    store,
    otherWrite: (next: PlotEventRecord[]) => {
      events = next;
      version += 1;
    },
    tick: () => {
      store.stateTag = { ...store.stateTag, epoch: store.stateTag.epoch + 1 };
    },
  };
}

const kinds = async (store: StoryStore) => {
  const [tropes] = await sharedTropes(store, [{ key: 's', episodeCount: 16 } as never], NO_PROGRESS, (key) =>
    tropesOfStory(store, key, NO_PROGRESS),
  );
  return tropes!.map((t) => t.kind);
};

// Red team 65: a replica on Neo4j without Redis kept tropes a write behind, for as long as no other process wrote
// again: the tropes kept for the new data version were derived from the stories of the old one.
it("shows another process's write in the tropes after one turn of the clock, and keeps showing it", async () => {
  const { store, otherWrite, tick } = otherProcessStore();
  expect(await kinds(store)).toEqual([]);
  otherWrite([confession]);
  tick();
  expect(await kinds(store)).toEqual([]); // the last value while the new one is worked out (stale while revalidate)
  await settle();
  expect(await kinds(store)).toEqual(['UNREQUITED_LOVE']);
  tick();
  await kinds(store);
  await settle();
  expect(await kinds(store)).toEqual(['UNREQUITED_LOVE']);
  otherWrite([]);
  tick();
  await kinds(store);
  await settle();
  expect(await kinds(store)).toEqual([]);
});
