import { expect, it } from 'vitest';
import { Lease } from '../../src/queueing/lease.js';

/** A place counted in `held`, taken back through `retake` when `grant()` is called (or refused through `refuse`). */
function place() {
  let held = 1;
  const pending: { grant: () => void; refuse: (error: Error) => void }[] = [];
  const giveBack = () => {
    let given = false;
    return () => {
      if (given) return;
      given = true;
      held -= 1;
    };
  };
  const retake = () =>
    new Promise<() => void>((resolve, reject) => {
      pending.push({
        grant: () => {
          held += 1;
          resolve(giveBack());
        },
        refuse: reject,
      });
    });
  return { lease: new Lease(giveBack(), retake), held: () => held, pending };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

// Red team 45: operations waiting for tropes held every place, and other clients' reads waited 6–11 s.
it('gives the place back once while waits are pending, and takes it again once after the last', async () => {
  const { lease, held, pending } = place();
  const [a, b] = [deferred<string>(), deferred<string>()];
  const first = lease.aside(a.promise);
  const second = lease.aside(b.promise);
  await settle();
  expect(held()).toBe(0);
  a.resolve('a');
  await settle();
  // One wait is still pending: the place stays given back.
  expect(pending).toHaveLength(0);
  b.reject(new Error('b failed'));
  await settle();
  expect(pending).toHaveLength(1);
  pending[0]!.grant();
  expect(await first).toBe('a');
  await expect(second).rejects.toThrow('b failed');
  expect(held()).toBe(1);
  lease.end();
  expect(held()).toBe(0);
});

it('takes nothing again when the work ends while it waits, and gives back a place retaken after it ended', async () => {
  const ended = place();
  const wait = deferred<number>();
  const waiting = ended.lease.aside(wait.promise);
  await settle();
  ended.lease.end();
  wait.resolve(1);
  expect(await waiting).toBe(1);
  expect(ended.pending).toHaveLength(0);
  expect(ended.held()).toBe(0);

  const retaking = place();
  const quick = retaking.lease.aside(Promise.resolve('done'));
  await settle();
  expect(retaking.pending).toHaveLength(1);
  retaking.lease.end();
  retaking.pending[0]!.grant();
  expect(await quick).toBe('done');
  expect(retaking.held()).toBe(0);
});

it('rejects the wait whose retake is refused, and gives nothing back twice', async () => {
  const { lease, held, pending } = place();
  const waiting = lease.aside(Promise.resolve('read'));
  await settle();
  pending[0]!.refuse(new Error('refused: queue'));
  await expect(waiting).rejects.toThrow('refused: queue');
  expect(held()).toBe(0);
  lease.end();
  expect(held()).toBe(0);
  // Once the work has ended, a wait just waits: nothing is given back or asked for.
  expect(await lease.aside(Promise.resolve('later'))).toBe('later');
  expect(held()).toBe(0);
  expect(pending).toHaveLength(1);
});
