import { getEventListeners } from 'node:events';
import { afterEach, expect, it, vi } from 'vitest';
import { CheapestFirst, type Refusal } from '../../src/queueing/cheapest-first.js';

class Refused extends Error {
  constructor(readonly reason: Refusal) {
    super(reason);
  }
}

afterEach(() => {
  vi.useRealTimers();
});

/** Joins `line` and records, by name, whether the waiter went or how it was refused. */
function recorder(line: CheapestFirst) {
  const outcomes: string[] = [];
  const join = (name: string, weight: number, waitMs: number | null = null, pin = false) =>
    line.join(weight, waitMs, pin).then(
      () => void outcomes.push(name),
      (error: Refused) => void outcomes.push(`${name}:${error.reason}`),
    );
  return { outcomes, join };
}

const refusal = (reason: Refusal) => new Refused(reason);

it('lets the lightest go first, and waiters of one weight in the order they came', async () => {
  const line = new CheapestFirst(10, refusal);
  const { outcomes, join } = recorder(line);
  const joined = [join('heavy', 900), join('light', 5), join('middle', 50), join('light-2', 5), join('heavy-2', 900)];
  while (line.release());
  await Promise.all(joined);
  expect(outcomes).toEqual(['light', 'light-2', 'middle', 'heavy', 'heavy-2']);
});

it('when full, a lighter newcomer pushes the heaviest waiter out; one as heavy or heavier is refused itself', async () => {
  const line = new CheapestFirst(2, refusal);
  const { outcomes, join } = recorder(line);
  const joined = [join('a', 100), join('b', 200)];
  joined.push(join('c', 200), join('d', 300), join('e', 10));
  await new Promise((resolve) => setImmediate(resolve));
  // c and d were no lighter than the heaviest (b), so they went away at once; e pushed b out.
  expect(outcomes).toEqual(['c:queue', 'd:queue', 'b:queue']);
  expect(line.length).toBe(2);
  while (line.release());
  await Promise.all(joined);
  expect(outcomes.slice(3)).toEqual(['e', 'a']);
});

it('refuses a waiter once it has waited its bound, and never lets it go after that', async () => {
  vi.useFakeTimers();
  const line = new CheapestFirst(10, refusal);
  const { outcomes, join } = recorder(line);
  const joined = [join('bounded', 1, 1_000), join('unbounded', 2)];
  await vi.advanceTimersByTimeAsync(999);
  expect(outcomes).toEqual([]);
  await vi.advanceTimersByTimeAsync(1);
  expect(outcomes).toEqual(['bounded:wait']);
  expect(line.length).toBe(1);
  expect(line.release()).toBe(true);
  expect(line.release()).toBe(false);
  await Promise.all(joined);
  expect(outcomes).toEqual(['bounded:wait', 'unbounded']);
});

it('a waiter that found the line empty and asked to be pinned goes next, is never pushed out, and has no bound', async () => {
  vi.useFakeTimers();
  const line = new CheapestFirst(1, refusal);
  const { outcomes, join } = recorder(line);
  const joined = [join('pinned', 1_000_000, 0, true), join('light', 1, 5_000)];
  await vi.advanceTimersByTimeAsync(10);
  // The line holds one: the pinned head, which the lighter newcomer could not push out.
  expect(outcomes).toEqual(['light:queue']);
  joined.push(join('lighter', 0, 5_000, true));
  await vi.advanceTimersByTimeAsync(10);
  expect(outcomes).toEqual(['light:queue', 'lighter:queue']);
  line.release();
  await Promise.all(joined);
  expect(outcomes).toEqual(['light:queue', 'lighter:queue', 'pinned']);
});

it('orders hostile weights without losing a waiter: NaN and Infinity go last, negative first', async () => {
  const line = new CheapestFirst(10, refusal);
  const { outcomes, join } = recorder(line);
  const joined = [join('nan', Number.NaN), join('infinite', Infinity), join('negative', -5), join('zero', 0)];
  expect(line.length).toBe(4);
  while (line.release());
  await Promise.all(joined);
  expect(outcomes).toEqual(['negative', 'zero', 'nan', 'infinite']);
});

it('with no room refuses every waiter that is not pinned', async () => {
  const line = new CheapestFirst(0, refusal);
  const { outcomes, join } = recorder(line);
  await join('any', 0);
  expect(outcomes).toEqual(['any:queue']);
  expect(line.length).toBe(0);
});

it('lets a waiter whose client went away leave the line at once, pinned or not, and forgets its signal once it goes', async () => {
  const line = new CheapestFirst(10, refusal);
  const { outcomes, join } = recorder(line);
  const pinnedGone = new AbortController();
  const waitingGone = new AbortController();
  const staying = new AbortController();
  const joined = [
    line.join(5, null, true, pinnedGone.signal).then(
      () => void outcomes.push('pinned'),
      (error: Refused) => void outcomes.push(`pinned:${error.reason}`),
    ),
    line.join(1, 60_000, false, waitingGone.signal).then(
      () => void outcomes.push('waiting'),
      (error: Refused) => void outcomes.push(`waiting:${error.reason}`),
    ),
    line.join(2, 60_000, false, staying.signal).then(() => void outcomes.push('staying')),
    join('plain', 3),
  ];
  pinnedGone.abort();
  waitingGone.abort();
  expect(line.length).toBe(2);
  while (line.release());
  await Promise.all(joined);
  expect(outcomes).toEqual(['pinned:gone', 'waiting:gone', 'staying', 'plain']);
  expect(getEventListeners(staying.signal, 'abort')).toHaveLength(0);
  // Already gone when it comes: refused, never in the line.
  await expect(line.join(0, null, false, AbortSignal.abort())).rejects.toMatchObject({ reason: 'gone' });
  expect(line.length).toBe(0);
});

it('lets the one waiting longest go once in every few: under a steady stream of lighter ones, a heavy waiter is not starved', async () => {
  const line = new CheapestFirst(100, refusal, 3);
  const { outcomes, join } = recorder(line);
  const joined = [join('heavy', 1_000), join('light-0', 1)];
  // Each time one goes, a lighter newcomer arrives, as with clients that send again as soon as they are answered.
  for (let i = 1; i <= 6; i += 1) {
    line.release();
    await new Promise((resolve) => setImmediate(resolve));
    joined.push(join(`light-${i}`, 1));
  }
  while (line.release());
  await Promise.all(joined);
  expect(outcomes).toEqual(['light-0', 'light-1', 'heavy', 'light-2', 'light-3', 'light-4', 'light-5', 'light-6']);
});

it('during a burst of heavy waiters, lets light newcomers take all places but one in every few, not wait for the burst', async () => {
  const line = new CheapestFirst(100, refusal, 4);
  const { outcomes, join } = recorder(line);
  const joined = Array.from({ length: 10 }, (_, i) => join(`heavy-${i}`, 1_000));
  for (let i = 0; i < 12; i += 1) {
    joined.push(join(`light-${i}`, 1));
    line.release();
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(outcomes).toEqual([
    ...['light-0', 'light-1', 'light-2', 'heavy-0'],
    ...['light-3', 'light-4', 'light-5', 'heavy-1'],
    ...['light-6', 'light-7', 'light-8', 'heavy-2'],
  ]);
  while (line.release());
  await Promise.all(joined);
  expect(outcomes.slice(12, 15)).toEqual(['light-9', 'light-10', 'light-11']);
});
