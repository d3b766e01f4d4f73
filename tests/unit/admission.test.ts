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
  const late = admitted(
    async () => {
      lateRan = true;
    },
    { arrival: performance.now() - 60_001 },
  );
  await expect(late).rejects.toBeInstanceOf(OperationsExhaustedError);
  finish();
  expect(await held).toBe('held');
  expect(lateRan).toBe(false);
  // With a place free, the same arrival still runs.
  expect(await admitted(async () => 'free', { arrival: performance.now() - 60_001 })).toBe('free');
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
      { weight },
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

// Red team 43: one address's burst of 150 heavy reads kept another client's small request waiting until it was
// refused after 11 to 18 s.
it("gives a freed place to a client holding none before the burst of another, lightest first, and pushes the burst's waiters out of a full queue for it", async () => {
  const admitted = admission({ max: 2, queueMax: 4, waitMs: 60_000 });
  const ran: string[] = [];
  const finishers = new Map<string, () => void>();
  const run = (name: string, client: string, weight: number) =>
    admitted(
      () =>
        new Promise<string>((resolve) => {
          ran.push(name);
          finishers.set(name, () => resolve(name));
        }),
      { weight, client },
    );
  const started = async (name: string) => {
    for (let turn = 0; turn < 100 && !finishers.has(name); turn += 1) await new Promise((r) => setImmediate(r));
    expect(ran.at(-1)).toBe(name);
  };
  const burst = Array.from({ length: 6 }, (_, i) => run(`burst-${i}`, 'ip:10.0.0.1', 10));
  await started('burst-1');
  // Both places are the burst's, and its other four fill the queue.
  const victim = run('victim', 'ip:10.0.0.2', 50_000);
  const second = run('second', 'ip:10.0.0.3', 50_000);
  // The burst's newest waiters gave way, lighter though they are.
  await expect(burst[5]).rejects.toMatchObject({ extensions: { code: 'OPERATIONS_EXHAUSTED' } });
  await expect(burst[4]).rejects.toMatchObject({ extensions: { code: 'OPERATIONS_EXHAUSTED' } });
  // Another of the burst, no lighter than its waiters, finds a full queue whose share it already has: refused.
  await expect(run('burst-6', 'ip:10.0.0.1', 10)).rejects.toBeInstanceOf(OperationsExhaustedError);
  finishers.get('burst-0')!();
  await started('victim');
  // The burst's client holds no place now but still has two waiting: the third client, with one, goes first.
  finishers.get('burst-1')!();
  await started('second');
  finishers.get('victim')!();
  await started('burst-2');
  finishers.get('second')!();
  await started('burst-3');
  finishers.get('burst-2')!();
  finishers.get('burst-3')!();
  expect(await Promise.all([victim, second, burst[2], burst[3]])).toEqual(['victim', 'second', 'burst-2', 'burst-3']);
  expect(ran).toEqual(['burst-0', 'burst-1', 'victim', 'second', 'burst-2', 'burst-3']);
});

it('lets the client with less held and waiting go first, and between equal shares the lightest', async () => {
  const admitted = admission({ max: 1, queueMax: 10, waitMs: 60_000 });
  const { held, finish } = await holdPlace(admitted);
  const ran: string[] = [];
  const run = (name: string, client: string, weight: number) =>
    admitted(async () => void ran.push(name), { weight, client });
  const all = [run('a-heavy', 'a', 900), run('b-light', 'b', 5), run('a-light', 'a', 5), run('b-heavy', 'b', 900)];
  finish();
  await Promise.all([held, ...all]);
  // Two each at first: the lightest, b's (it came before a's as light), goes; then b has the smaller share.
  expect(ran).toEqual(['b-light', 'b-heavy', 'a-light', 'a-heavy']);
});

// Red team 44: requests whose clients had gone were run once they got a place, and others waited behind them.
it('does not run an operation whose client went away as its place came, and gives the place to the next', async () => {
  const admitted = admission({ max: 1, queueMax: 5, waitMs: 60_000 });
  const { held, finish } = await holdPlace(admitted);
  const client = new AbortController();
  let ran = false;
  const gone = admitted(
    async () => {
      ran = true;
      return 'gone';
    },
    { signal: client.signal },
  );
  const next = admitted(async () => 'next');
  // The place passes to the first waiter at once; its client goes before its run's turn comes.
  finish();
  await held;
  client.abort();
  await expect(gone).rejects.toMatchObject({ extensions: { code: 'CLIENT_CLOSED_REQUEST' } });
  expect(ran).toBe(false);
  expect(await next).toBe('next');
});
