import DataLoader from 'dataloader';
import { afterEach, expect, it, vi } from 'vitest';
import { OPERATIONS } from '../../bench/src/operations.js';
import type { PlannerMode } from '../../src/config/settings.js';
import { createDramaYoga } from '../../src/yoga.js';
import { describeEachStore } from '../support/each-store.js';
import { graphql } from '../support/graphql.js';

/** Op 2 of the benchmark, as it sends it: every participant's character and who plays them. */
const SERIES_PAGE = OPERATIONS.find((op) => op.number === 2)!.document;

interface Participant {
  role: string;
  character: { name: string; portrayedBy: { name: string }[] };
}

/** Every key any DataLoader of the request was asked for, while `work` runs. */
async function loadedKeys<T>(work: () => Promise<T>): Promise<{ result: T; keys: string[] }> {
  const keys: string[] = [];
  const load = DataLoader.prototype.load;
  const spy = vi.spyOn(DataLoader.prototype, 'load').mockImplementation(function (
    this: DataLoader<unknown, unknown>,
    key,
  ) {
    keys.push(typeof key === 'string' ? key : JSON.stringify(key));
    return load.call(this, key);
  });
  try {
    return { result: await work(), keys };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describeEachStore("a planned series page takes its participants' characters and people at once", (service) => {
  const yoga = (planner: PlannerMode) => createDramaYoga({ store: service().store, graphiql: false, ops: { planner } });

  const page = async (planner: PlannerMode, slug: string, headers: Record<string, string> = {}) =>
    loadedKeys(() => graphql(yoga(planner), SERIES_PAGE, { slug }, headers));

  it('asks no loader for a character or person the planned read holds, and answers as the loaders do', async () => {
    let participants = 0;
    for (const slug of ['soundtrack-1', 'the-time-travelers-wife', 'wrong-side-of-the-tracks', 'godspeed']) {
      const planned = await page('on', slug);
      const unplanned = await page('off', slug);
      expect(JSON.stringify(planned.result)).toBe(JSON.stringify(unplanned.result));
      const listed: Participant[] = planned.result.data!.series.episodes.flatMap(
        (e: { events: { participants: Participant[] }[] }) => e.events.flatMap((event) => event.participants),
      );
      participants += listed.length;
      const characterKeys = (keys: string[]) => keys.filter((key) => key.startsWith(`${slug}/`));
      expect(characterKeys(planned.keys), slug).toEqual([]);
      if (listed.length === 0) continue;
      expect(listed.some((p) => p.character.portrayedBy.length > 0)).toBe(true);
      // Without the planner the same page loads every character and their castings.
      expect(characterKeys(unplanned.keys).length).toBeGreaterThan(0);
    }
    expect(participants).toBeGreaterThan(20);
  });

  it('goes through the gated loaders for a series the viewer gave progress for, and answers as they do', async () => {
    for (const through of [4, 5, 8]) {
      const headers = { 'x-watched-through': `soundtrack-1@${through}` };
      const planned = await page('on', 'soundtrack-1', headers);
      const unplanned = await page('off', 'soundtrack-1', headers);
      expect(JSON.stringify(planned.result)).toBe(JSON.stringify(unplanned.result));
      expect(planned.keys.filter((key) => key.startsWith('soundtrack-1/')).length).toBeGreaterThan(0);
    }
  });

  it('answers hostile slugs as the loaders do', async () => {
    for (const slug of ['__proto__', 'no-such-series', 'soundtrack-1\u0301', 'x'.repeat(10_000)]) {
      const planned = await page('on', slug);
      const unplanned = await page('off', slug);
      expect(JSON.stringify(planned.result)).toBe(JSON.stringify(unplanned.result));
    }
  });
});
