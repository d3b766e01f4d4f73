import DataLoader from 'dataloader';
import { expect, it } from 'vitest';
import { NO_PROGRESS } from '../../src/domain/spoilers.js';
import { createLoaders, type LoaderStore } from '../../src/reads/loaders.js';
import { afterPendingTurn, pendingTurn, sliceOver } from '../../src/reads/slices.js';

const turnOfTheLoop = () => new Promise((resolve) => setImmediate(resolve));

/** Loads two keys, has the loop's slice end (as on a busy machine), then loads two more once the loop turned. */
async function loadAcrossATurn(load: (key: string) => Promise<unknown>) {
  await turnOfTheLoop();
  expect(sliceOver(0)).toBeNull();
  const before = ['a', 'b'].map(load);
  const turn = sliceOver(10);
  expect(turn).toBe(pendingTurn());
  const after = turn!.then(() => Promise.all(['c', 'd'].map(load)));
  await Promise.all([...before, after]);
}

function noting() {
  const calls: string[][] = [];
  const batch = async (keys: readonly string[]) => {
    calls.push([...keys]);
    return keys.map(() => null);
  };
  return { calls, batch };
}

it("sends a level's loads in one store call when the loop's slice ends among them", async () => {
  const { calls, batch } = noting();
  const loaders = createLoaders({ peopleByKeys: batch } as unknown as LoaderStore, NO_PROGRESS, 'on');
  await loadAcrossATurn((key) => loaders.person.load(key));
  expect(calls).toEqual([['a', 'b', 'c', 'd']]);
});

it('keeps DataLoader schedule when no turn is pending', async () => {
  const { calls, batch } = noting();
  const loader = new DataLoader(batch, { batchScheduleFn: afterPendingTurn });
  await turnOfTheLoop();
  await Promise.all(['a', 'b'].map((key) => loader.load(key)));
  await loader.load('c');
  expect(calls).toEqual([['a', 'b'], ['c']]);
});

it("waits for every turn that follows while the level's loads go on", async () => {
  const { calls, batch } = noting();
  const loader = new DataLoader(batch, { batchScheduleFn: afterPendingTurn });
  await loadAcrossATurn(async (key) => {
    // Another slice ends during the loads that follow the first turn.
    if (key === 'c') {
      sliceOver(performance.now());
      const second = sliceOver(Number.MAX_SAFE_INTEGER);
      expect(second).toBeInstanceOf(Promise);
      await second;
    }
    return loader.load(key);
  });
  expect(calls).toEqual([['a', 'b', 'd', 'c']]);
});

it('waits for loads that the turn lets go several steps later', async () => {
  const { calls, batch } = noting();
  const loader = new DataLoader(batch, { batchScheduleFn: afterPendingTurn });
  await loadAcrossATurn(async (key) => {
    if (key === 'c' || key === 'd') {
      for (let step = 0; step < 5; step += 1) await null;
      await new Promise((resolve) => process.nextTick(resolve));
      await null;
    }
    return loader.load(key);
  });
  expect(calls).toEqual([['a', 'b', 'c', 'd']]);
});

it('holds a batch for 8 turns at most, when each turn finds another pending', async () => {
  const { calls, batch } = noting();
  const loader = new DataLoader(batch, { batchScheduleFn: afterPendingTurn });
  await turnOfTheLoop();
  let turns = 0;
  let sentAfter: number | null = null;
  // A load that lasts: each turn ends with the next one pending.
  const nextSlice = (): Promise<void> => {
    sliceOver(performance.now());
    return sliceOver(Number.MAX_SAFE_INTEGER)!.then(() => {
      turns += 1;
      if (turns < 20) void nextSlice();
    });
  };
  void nextSlice();
  await loader.load('a').then(() => (sentAfter = turns));
  expect(calls).toEqual([['a']]);
  expect(sentAfter).toBeGreaterThanOrEqual(1);
  expect(sentAfter).toBeLessThanOrEqual(9);
  while (turns < 20) await turnOfTheLoop();
});

it("with DataLoader's own schedule, the turn splits the level in two (what the schedule is for)", async () => {
  const { calls, batch } = noting();
  const loader = new DataLoader(batch);
  await loadAcrossATurn((key) => loader.load(key));
  expect(calls).toEqual([
    ['a', 'b'],
    ['c', 'd'],
  ]);
});
