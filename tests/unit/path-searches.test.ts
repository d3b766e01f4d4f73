import { expect, it } from 'vitest';
import type { Context } from '../../src/context.js';
import type { Neighbourhood } from '../../src/domain/paths.js';
import { pathsBetween } from '../../src/reads/paths.js';

/** A request context whose neighbourhood reads wait until `release` is called, recording the keys asked for. */
function waitingContext(asked: string[], releases: (() => void)[]): Context {
  const nobody: Neighbourhood = { relationships: [], events: [], castings: [] };
  const loadMany = (keys: readonly string[]) => {
    asked.push(...keys);
    return new Promise<Neighbourhood[]>((resolve) => releases.push(() => resolve(keys.map(() => nobody))));
  };
  return { loaders: { neighbourhood: { loadMany } } } as unknown as Context;
}

const end = (id: string) => ({ typename: 'Character', id });
const settle = () => new Promise((resolve) => setImmediate(resolve));

// Red team 58: sixteen searches at once, each reading thousands of events of fifty characters, ran the heap out.
it('runs two connection searches at once and the rest in turn; one whose request is gone does not run', async () => {
  const asked: string[] = [];
  const releases: (() => void)[] = [];
  const ctx = waitingContext(asked, releases);
  const search = (from: string, signal?: AbortSignal) =>
    pathsBetween(ctx, { from: end(from), to: end('s/z'), maxHops: 1, signal });
  const gone = new AbortController();
  const searches = [search('s/a'), search('s/b'), search('s/c', gone.signal), search('s/d')];
  await settle();
  expect(asked).toEqual(['s/a', 's/b']);
  gone.abort(new Error('answered already'));
  releases.shift()!();
  await expect(searches[0]).resolves.toEqual([]);
  await expect(searches[2]).rejects.toThrow('answered already');
  await settle();
  expect(asked).toEqual(['s/a', 's/b', 's/d']);
  releases.shift()!();
  releases.shift()!();
  await expect(Promise.all([searches[1], searches[3]])).resolves.toEqual([[], []]);
});
