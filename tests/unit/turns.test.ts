import { expect, it } from 'vitest';
import { oneAtATurn } from '../../src/plugins/turns.js';
import { OLDEST_EVERY } from '../../src/queueing/cheapest-first.js';
import { loopTicker } from '../support/loop-ticker.js';

it('lets its waiters go in order, one per turn of the event loop, with other work served in between', async () => {
  const turn = oneAtATurn();
  const ticker = loopTicker();
  const seen: [number, number][] = [];
  // Each waiter's work is synchronous, as parsing and validating a document is.
  await Promise.all(Array.from({ length: 30 }, (_, i) => turn().then(() => void seen.push([i, ticker.turns()]))));
  ticker.stop();
  expect(seen.map(([i]) => i)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  // Every waiter saw the ticker move since the one before it: no two ran in the same turn.
  for (let i = 1; i < seen.length; i += 1) expect(seen[i]![1]).toBeGreaterThan(seen[i - 1]![1]);
});

it('lets a waiter go on an idle loop, and again after the queue drained (a stuck queue times the test out)', async () => {
  const turn = oneAtATurn();
  const went: string[] = [];
  await turn().then(() => went.push('alone'));
  await Promise.all([turn().then(() => went.push('first')), turn().then(() => went.push('second'))]);
  await turn().then(() => went.push('after'));
  expect(went).toEqual(['alone', 'first', 'second', 'after']);
});

it('lets the lightest waiter go first, and bounds how many wait: a lighter newcomer pushes the heaviest out', async () => {
  const turn = oneAtATurn(3, (reason) => new Error(reason));
  const went: string[] = [];
  const record = (name: string, promise: Promise<void>) =>
    promise.then(
      () => void went.push(name),
      (error: Error) => void went.push(`${name}:${error.message}`),
    );
  await Promise.all([
    // The first finds nobody waiting: it goes next, heavy as it is.
    record('first-heavy', turn(10_000)),
    record('heavy', turn(9_000)),
    record('light', turn(10)),
    // The line holds three: the heaviest waiting gives way to a lighter newcomer, and one as heavy is refused.
    record('lighter', turn(5)),
    record('as-heavy', turn(10)),
  ]);
  expect(went).toEqual(['heavy:queue', 'as-heavy:queue', 'first-heavy', 'lighter', 'light']);
});

it('does not starve a heavy waiter while light ones keep coming: it goes once those before it and a few more have', async () => {
  const turn = oneAtATurn();
  const CLIENTS = 8;
  const ROUNDS = 100;
  let wentBefore = 0;
  let heavyWentAfter: number | undefined;
  // Eight clients each send a short document again as soon as the last one went, as the fuzz's workers do.
  const client = async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      await turn(10);
      wentBefore += 1;
    }
  };
  const clients = Array.from({ length: CLIENTS }, client);
  await new Promise((resolve) => setImmediate(resolve));
  const waitingAtJoin = CLIENTS;
  const startedAt = wentBefore;
  const heavy = turn(10_000).then(() => {
    heavyWentAfter = wentBefore - startedAt;
  });
  await Promise.all([...clients, heavy]);
  expect(heavyWentAfter).toBeDefined();
  // Those waiting when it came, then a few newcomers until the turn of the one waiting longest; not the whole stream.
  expect(heavyWentAfter!).toBeLessThanOrEqual(waitingAtJoin + 2 * OLDEST_EVERY);
  expect(heavyWentAfter!).toBeLessThan(CLIENTS * ROUNDS - startedAt);
});

// Red team 43: a client's short document waited for its parse behind one address's burst of 150 (it was longer).
it("lets a client's waiter go before another client's burst, heavier as it is", async () => {
  const turn = oneAtATurn();
  const went: string[] = [];
  const burst = Array.from({ length: 10 }, (_, i) =>
    turn(10, null, undefined, 'ip:10.0.0.1').then(() => went.push(`b${i}`)),
  );
  const other = turn(500, null, undefined, 'ip:10.0.0.2').then(() => went.push('other'));
  await Promise.all([...burst, other]);
  // The first of the burst found nobody waiting and went first; then the client with one waiting goes.
  expect(went.slice(0, 2)).toEqual(['b0', 'other']);
  expect(went).toHaveLength(11);
});
