import { expect, it } from 'vitest';
import { pendingTurn, sliceOver } from '../../src/reads/slices.js';

const turnOfTheLoop = () => new Promise((resolve) => setImmediate(resolve));

it('lets operations run 10 ms after the loop last turned, then has them all wait for one turn', async () => {
  await turnOfTheLoop();
  // A slice starts with the first call after the loop turned.
  expect(sliceOver(1_000)).toBeNull();
  expect(sliceOver(1_009.9)).toBeNull();
  const turn = sliceOver(1_010);
  expect(turn).toBeInstanceOf(Promise);
  // Every later call, whatever its clock, waits for the same turn.
  expect(sliceOver(1_000)).toBe(turn);
  expect(pendingTurn()).toBe(turn);
  let turned = false;
  void turn!.then(() => (turned = true));
  await Promise.resolve();
  expect(turned).toBe(false);
  await turn;
  expect(pendingTurn()).toBeNull();
  // After the turn, a new slice starts from the next call's clock.
  expect(sliceOver(5_000)).toBeNull();
  expect(sliceOver(5_009)).toBeNull();
  await turnOfTheLoop();
  // The loop turned (while an operation waited for a store, say): the slice starts again.
  expect(sliceOver(5_020)).toBeNull();
  expect(sliceOver(5_029)).toBeNull();
  expect(sliceOver(5_030)).toBeInstanceOf(Promise);
  await pendingTurn();
});
