import { expect, it } from 'vitest';
import { Places } from '../../src/queueing/places.js';
import { SharedWork } from '../../src/queueing/shared-work.js';

const refusal = (reason: string) => new Error(`refused: ${reason}`);
const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Work that lasts until `finish` is called, noting when it starts. */
function held(name: string, ran: string[]) {
  let finish = () => {};
  const work = () =>
    new Promise<string>((resolve) => {
      ran.push(name);
      finish = () => resolve(name);
    });
  return { work, finish: () => finish() };
}

// Red team 44: a viewer asking for the same tropes as a derivation of a burst's waited 13–17 s behind the burst.
it("moves a shared wait to a joining client with a smaller share, so it is not held behind the first asker's client", async () => {
  const places = new Places(1, 10, refusal);
  const ran: string[] = [];
  const [a0, a1, a2, a3] = ['a0', 'a1', 'a2', 'a3'].map((name) => held(name, ran));
  const burst = [a0!, a1!, a2!, a3!].map((one) => SharedWork.begin(places, { client: 'ip:a', work: one.work }));
  await turn();
  expect(ran).toEqual(['a0']);
  expect(places.shareOf('ip:a')).toBe(4);
  const victim = burst[2]!.work.join({ client: 'ip:v', work: a2!.work });
  expect(places.shareOf('ip:v')).toBe(1);
  expect(places.shareOf('ip:a')).toBe(3);
  a0!.finish();
  await turn();
  expect(ran).toEqual(['a0', 'a2']);
  a2!.finish();
  expect(await victim).toBe('a2');
  expect(await burst[2]!.answer).toBe('a2');
  a1!.finish();
  await turn();
  a3!.finish();
  expect(await Promise.all(burst.map((b) => b.answer))).toEqual(['a0', 'a1', 'a2', 'a3']);
});

it('leaves a shared wait with the asker of a client whose share is no smaller', async () => {
  const places = new Places(1, 10, refusal);
  const ran: string[] = [];
  const [a0, a1, a2] = ['a0', 'a1', 'a2'].map((name) => held(name, ran));
  SharedWork.begin(places, { client: 'ip:a', work: a0!.work });
  SharedWork.begin(places, { client: 'ip:a', work: a1!.work });
  const second = SharedWork.begin(places, { client: 'ip:a', work: a2!.work });
  // Its share (3) is the first asker's: nothing to gain by moving.
  const same = [1, 2, 3].map(() => SharedWork.begin(places, { client: 'ip:b', work: async () => 'b' }));
  void second.work.join({ client: 'ip:b', work: a2!.work });
  expect(places.shareOf('ip:a')).toBe(3);
  expect(places.shareOf('ip:b')).toBe(3);
  for (const b of same) b.answer.catch(() => undefined);
});

// Red team 44: requests whose clients had gone still had their derivations run, and others waited behind them.
it('leaves the line once every asker has gone, and never runs the work', async () => {
  const places = new Places(1, 10, refusal);
  const ran: string[] = [];
  const first = held('first', ran);
  const running = SharedWork.begin(places, { client: 'ip:a', work: first.work });
  const x = new AbortController();
  const y = new AbortController();
  const queued = held('queued', ran);
  const { work, answer } = SharedWork.begin(places, { client: 'ip:a', signal: x.signal, work: queued.work });
  const other = work.join({ client: 'ip:b', signal: y.signal, work: queued.work });
  expect(places.shareOf('ip:a') + places.shareOf('ip:b')).toBe(2);
  x.abort(new Error('x went'));
  await expect(answer).rejects.toThrow('x went');
  // y still waits.
  expect(places.shareOf('ip:a') + places.shareOf('ip:b')).toBe(2);
  y.abort(new Error('y went'));
  await expect(other).rejects.toThrow('y went');
  await expect(work.result).rejects.toThrow('refused: gone');
  expect(places.shareOf('ip:a') + places.shareOf('ip:b')).toBe(1);
  first.finish();
  expect(await running.answer).toBe('first');
  await turn();
  expect(ran).toEqual(['first']);
  // The place is free again.
  expect(await SharedWork.begin(places, { client: 'ip:c', work: async () => 'next' }).answer).toBe('next');
});

it("does the work again for those still waiting when it ended with its asker's request", async () => {
  const places = new Places(1, 10, refusal);
  const x = new AbortController();
  const calls: string[] = [];
  const cutShort = (name: string, signal: AbortSignal) => () =>
    new Promise<string>((resolve, reject) => {
      calls.push(name);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      if (name === 'y') resolve('made for y');
    });
  const { work, answer } = SharedWork.begin(places, {
    client: 'ip:a',
    signal: x.signal,
    work: cutShort('x', x.signal),
  });
  const y = new AbortController();
  const other = work.join({ client: 'ip:b', signal: y.signal, work: cutShort('y', y.signal) });
  await turn();
  expect(calls).toEqual(['x']);
  x.abort(new Error('x answered'));
  await expect(answer).rejects.toThrow('x answered');
  expect(await other).toBe('made for y');
  expect(calls).toEqual(['x', 'y']);
  // Done: a later asker gets the result without waiting, and without being kept.
  expect(await work.join({ client: 'ip:c', work: async () => 'unused' })).toBe('made for y');
});

it('refuses every asker when the line is full, and an asker whose signal has aborted at once', async () => {
  const places = new Places(1, 1, refusal);
  const ran: string[] = [];
  const first = held('first', ran);
  SharedWork.begin(places, { client: 'ip:a', work: first.work });
  const waiting = SharedWork.begin(places, { client: 'ip:a', work: async () => 'waiting' });
  const full = SharedWork.begin(places, { client: 'ip:a', work: async () => 'full' });
  await expect(full.answer).rejects.toThrow('refused: queue');
  const gone = new AbortController();
  gone.abort(new Error('already gone'));
  await expect(waiting.work.join({ client: 'ip:b', signal: gone.signal, work: async () => 'x' })).rejects.toThrow(
    'already gone',
  );
  first.finish();
  expect(await waiting.answer).toBe('waiting');
});
