import { expect, it } from 'vitest';
import type { SeriesRecord } from '../../src/domain/records.js';
import { NO_PROGRESS } from '../../src/domain/spoilers.js';
import type { Trope } from '../../src/domain/tropes.js';
import { sharedTropes } from '../../src/reads/shared-tropes.js';

const store = {
  stateTag: { writes: 'shared-tropes-test', epoch: 0 },
  dataVersion: async () => '1',
  journal: { position: 0, since: () => null },
  soleWriter: false,
};
const series = (key: string) => ({ key, episodeCount: 10 }) as SeriesRecord;
const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Two derivations that hold both places until `finish` is called. */
function twoRunning(...keys: [string, string]) {
  let finish = () => {};
  const busy = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const slow = async (): Promise<Trope[]> => {
    await busy;
    return [];
  };
  return { running: keys.map((key) => sharedTropes(store, [series(key)], NO_PROGRESS, slow)), finish };
}

// Red team 44: the derivations of requests whose clients had gone still ran, and held the others up.
it('drops a queued derivation once every request waiting for it has gone, and derives it for the next', async () => {
  const { running, finish } = twoRunning('one', 'two');
  const derived: string[] = [];
  const spy = async (key: string): Promise<Trope[]> => {
    derived.push(key);
    return [];
  };
  const x = new AbortController();
  const y = new AbortController();
  const first = sharedTropes(store, [series('three')], NO_PROGRESS, spy, 'ip:a', x.signal);
  const second = sharedTropes(store, [series('three')], NO_PROGRESS, spy, 'ip:b', y.signal);
  await turn();
  x.abort(new Error('x went'));
  y.abort(new Error('y went'));
  await expect(first).rejects.toThrow('x went');
  await expect(second).rejects.toThrow('y went');
  finish();
  await Promise.all(running);
  await turn();
  expect(derived).toEqual([]);
  expect(await sharedTropes(store, [series('three')], NO_PROGRESS, spy, 'ip:c')).toEqual([[]]);
  expect(derived).toEqual(['three']);
});

it('derives each series on its own: one another request shares goes on after the first asker went, the rest do not', async () => {
  const { running, finish } = twoRunning('a', 'b');
  const derived: string[] = [];
  const spy = async (key: string): Promise<Trope[]> => {
    derived.push(key);
    return [{ kind: key, evidence: [] } as unknown as Trope];
  };
  const x = new AbortController();
  const first = sharedTropes(store, [series('c'), series('d')], NO_PROGRESS, spy, 'ip:a', x.signal);
  const second = sharedTropes(store, [series('d')], NO_PROGRESS, spy, 'ip:b');
  x.abort(new Error('x went'));
  await expect(first).rejects.toThrow('x went');
  finish();
  await Promise.all(running);
  expect(await second).toEqual([[{ kind: 'd', evidence: [] }]]);
  expect(derived).toEqual(['d']);
});

// Red team 47: a writer of one series every 300 ms made every other series' tropes be worked out again.
it('keeps the tropes of the series a write did not touch, and works out again those of the one it did', async () => {
  const written: string[][] = [];
  const journaled = {
    stateTag: { writes: 'journaled-0', epoch: 0 },
    dataVersion: async () => String(written.length),
    soleWriter: false,
    journal: {
      get position() {
        return written.length;
      },
      since: (position: number) => new Set(written.slice(position).flat()),
    },
  };
  const derived: string[] = [];
  const spy = async (key: string): Promise<Trope[]> => {
    derived.push(key);
    return [];
  };
  await sharedTropes(journaled, [series('a'), series('b')], NO_PROGRESS, spy);
  written.push(['a']);
  journaled.stateTag = { writes: 'journaled-1', epoch: 0 };
  await sharedTropes(journaled, [series('a'), series('b')], NO_PROGRESS, spy);
  expect(derived.sort()).toEqual(['a', 'a', 'b']);
});
