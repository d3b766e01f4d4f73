import { expect, it } from 'vitest';
import { admission, OperationsExhaustedError } from '../../src/plugins/admission.js';
import { loopTicker } from '../support/loop-ticker.js';

type Admitted = ReturnType<typeof admission>;

/** Takes a place with a run that lasts until `finish()`; resolves once that run has started. */
async function holdPlace(admitted: Admitted, answer = 'held') {
  let finish = () => {};
  let started = () => {};
  const running = new Promise<void>((resolve) => (started = resolve));
  const held = admitted(
    () =>
      new Promise<string>((resolve) => {
        finish = () => resolve(answer);
        started();
      }),
  );
  await running;
  return { held, finish: () => finish() };
}

it('refuses a run that waited waitMs for a place, and gives that place back without starting it', async () => {
  const admitted = admission({ max: 1, queueMax: 5, waitMs: 20 });
  const { held: first, finish: finishFirst } = await holdPlace(admitted, 'first');
  let secondStarted = false;
  const second = admitted(async () => {
    secondStarted = true;
    return 'second';
  });
  // The first holds the only place until it is finished, which happens only after the second gave up.
  await expect(second).rejects.toBeInstanceOf(OperationsExhaustedError);
  await expect(second).rejects.toMatchObject({ extensions: { code: 'OPERATIONS_EXHAUSTED' } });
  finishFirst();
  expect(await first).toBe('first');
  expect(await admitted(async () => 'third')).toBe('third');
  expect(secondStarted).toBe(false);
});

it('gives the place back when a run fails, and refuses at once past the queue', async () => {
  const admitted = admission({ max: 1, queueMax: 0, waitMs: 60_000 });
  await expect(admitted(() => Promise.reject(new Error('store went away')))).rejects.toThrow('store went away');
  const { held, finish } = await holdPlace(admitted);
  await expect(admitted(async () => 'no room')).rejects.toMatchObject({
    extensions: { code: 'OPERATIONS_EXHAUSTED' },
  });
  finish();
  await held;
  expect(await admitted(async () => 'room again')).toBe('room again');
});

it('lets the event loop turn before each queued run, so timers and sockets are served while a queue of runs from memory drains', async () => {
  const admitted = admission({ max: 1, queueMax: 100, waitMs: 60_000 });
  const ticker = loopTicker();
  const seen: number[] = [];
  // Each run answers at once, as a read from memory does: no run ever leaves the microtask queue by itself.
  await Promise.all(Array.from({ length: 20 }, () => admitted(async () => seen.push(ticker.turns()))));
  ticker.stop();
  expect(seen).toHaveLength(20);
  // The loop turned between runs: the runs saw the ticker move, not one value for the whole queue.
  expect(new Set(seen).size).toBeGreaterThan(10);
});

it('runs an operation that finds a place free even with a wait bound of 0, and refuses one that must wait', async () => {
  const admitted = admission({ max: 1, queueMax: 5, waitMs: 0 });
  expect(await admitted(async () => 'free place')).toBe('free place');
  const { held, finish } = await holdPlace(admitted);
  let waitedRan = false;
  await expect(
    admitted(async () => {
      waitedRan = true;
    }),
  ).rejects.toBeInstanceOf(OperationsExhaustedError);
  finish();
  expect(await held).toBe('held');
  expect(waitedRan).toBe(false);
});

it('bounds the wait from the arrival it is given: one that arrived longer ago than the bound and must wait is refused at once', async () => {
  const admitted = admission({ max: 1, queueMax: 5, waitMs: 60_000 });
  const { held, finish } = await holdPlace(admitted);
  let lateRan = false;
  const late = admitted(async () => {
    lateRan = true;
  }, performance.now() - 60_001);
  await expect(late).rejects.toBeInstanceOf(OperationsExhaustedError);
  finish();
  expect(await held).toBe('held');
  expect(lateRan).toBe(false);
  // With a place free, the same arrival still runs.
  expect(await admitted(async () => 'free', performance.now() - 60_001)).toBe('free');
});

// Red team: a cheap query sent during a burst of heavy ones waited 7.4 s behind them, first in, first out.
it('gives a freed place to the lightest operation waiting, and lets a light one push the heaviest out of a full queue', async () => {
  const admitted = admission({ max: 1, queueMax: 2, waitMs: 60_000 });
  const { held, finish } = await holdPlace(admitted);
  const ran: string[] = [];
  const run = (name: string, weight: number) =>
    admitted(
      async () => {
        ran.push(name);
        return name;
      },
      performance.now(),
      weight,
    );
  const heavy = run('heavy', 40_000);
  const heavier = run('heavier', 45_000);
  const light = run('light', 23);
  // The queue held two, the heaviest of them gave way to the light one.
  await expect(heavier).rejects.toMatchObject({ extensions: { code: 'OPERATIONS_EXHAUSTED' } });
  // A newcomer as heavy as the heaviest waiting is refused itself.
  await expect(run('as-heavy', 40_000)).rejects.toBeInstanceOf(OperationsExhaustedError);
  finish();
  expect(await Promise.all([held, light, heavy])).toEqual(['held', 'light', 'heavy']);
  expect(ran).toEqual(['light', 'heavy']);
});
