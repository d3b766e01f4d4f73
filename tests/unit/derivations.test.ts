import { expect, it } from 'vitest';
import { boundedDerivations } from '../../src/reads/derivations.js';

/** Asks `derive` for `work`, as `client`: the asker's answer. */
const asking =
  (derive: ReturnType<typeof boundedDerivations>) =>
  <T>(work: () => Promise<T>, client = 'local') =>
    derive({ work, client }).answer;

/** A derivation that lasts until its `finish` is called. */
function held(name: string, ran: string[]) {
  let finish = () => {};
  const run = () =>
    new Promise<string>((resolve) => {
      ran.push(name);
      finish = () => resolve(name);
    });
  return { run, finish: () => finish() };
}

// Red team 43: one address's burst of tropes requests filled the line, and another client's got TROPES_BUSY.
it("runs another client's derivation before more of a busy client's, and pushes that client's newest waiter out of a full line for it", async () => {
  const derive = asking(boundedDerivations(2, 2));
  const ran: string[] = [];
  const burst = ['a1', 'a2', 'a3', 'a4'].map((name) => held(name, ran));
  const asked = burst.map((one) => derive(one.run, 'ip:10.0.0.1'));
  // Two run and two wait: the line is full of the burst's, and one more of its own is refused.
  await expect(derive(async () => 'a5', 'ip:10.0.0.1')).rejects.toMatchObject({ extensions: { code: 'TROPES_BUSY' } });
  const victim = held('b1', ran);
  const other = derive(victim.run, 'ip:10.0.0.2');
  await expect(asked[3]).rejects.toMatchObject({ extensions: { code: 'TROPES_BUSY' } });
  burst[0]!.finish();
  await asked[0];
  await new Promise((resolve) => setImmediate(resolve));
  // The burst's client still runs one, the other client none: the other's goes first.
  expect(ran).toEqual(['a1', 'a2', 'b1']);
  victim.finish();
  burst[1]!.finish();
  await new Promise((resolve) => setImmediate(resolve));
  burst[2]!.finish();
  expect(await Promise.all([other, asked[1], asked[2]])).toEqual(['b1', 'a2', 'a3']);
  expect(ran).toEqual(['a1', 'a2', 'b1', 'a3']);
});

it('without a client, runs its derivations in turn as one client', async () => {
  const derive = asking(boundedDerivations(1, 1));
  const ran: string[] = [];
  const one = held('one', ran);
  const first = derive(one.run);
  const second = derive(async () => 'two');
  await expect(derive(async () => 'three')).rejects.toMatchObject({ extensions: { code: 'TROPES_BUSY' } });
  one.finish();
  expect(await Promise.all([first, second])).toEqual(['one', 'two']);
});
