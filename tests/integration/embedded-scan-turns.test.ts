import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCatalogue } from '../../src/generate/write.js';
import { loadSeedDirectory } from '../../src/seed/load.js';
import { EmbeddedDatabase } from '../../src/store/embedded/database.js';
import { openEmbeddedStore } from '../../src/store/embedded/index.js';
import { pageKeys, type ScanTurns, totalsOf } from '../../src/store/embedded/queries.js';
import { type EventFilter, NO_EVENT_FILTER } from '../../src/store/port.js';

/*
 * A filter with no series, character or episode reads every event of the store; read in one go it held the event
 * loop (and /health) for seconds on a large store (red team 56). The scan now pauses whenever its turns say so and
 * goes on after the last row it gave: these check it answers exactly what one pass answers, and stops when told.
 */

let dir: string;
let db: EmbeddedDatabase;
let events: number;
let firstSeries: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'scan-turns-'));
  await writeCatalogue({ series: 4, seed: 7, out: path.join(dir, 'catalogue') });
  const document = await loadSeedDirectory(path.join(dir, 'catalogue'));
  events = document.events.length;
  firstSeries = document.series[0]!.key;
  const store = await openEmbeddedStore({ dataDir: path.join(dir, 'data') });
  await store.importDocument(document);
  await store.close();
  db = await EmbeddedDatabase.open(path.join(dir, 'data'), { readOnly: true });
}, 120_000);

afterAll(async () => {
  await db?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Turns that are always due, counting how many were taken. */
function everyCheck(): ScanTurns & { taken: number } {
  return {
    taken: 0,
    due: () => true,
    async take() {
      this.taken += 1;
    },
  };
}

const storeWide = (): EventFilter[] => [
  NO_EVENT_FILTER,
  { ...NO_EVENT_FILTER, kinds: ['CONFESSION', 'REJECTION'] },
  { ...NO_EVENT_FILTER, certainty: 'INFERRED' },
  { ...NO_EVENT_FILTER, episode: 3 },
  { ...NO_EVENT_FILTER, visibleThrough: [{ seriesKey: firstSeries, episode: 2 }] },
];

describe('a store-wide scan in turns', () => {
  it('counts what one pass counts, pausing every 256 rows', async () => {
    expect(events).toBeGreaterThan(1_000);
    for (const filter of storeWide()) {
      const turns = everyCheck();
      expect(await totalsOf(db, filter, turns), JSON.stringify(filter)).toEqual(await totalsOf(db, filter));
      expect(turns.taken).toBe(Math.floor((events - 1) / 256));
    }
  });

  it('pages exactly as one pass does, with and without a cursor, skipping and repeating nothing', async () => {
    for (const filter of storeWide()) {
      const whole = await pageKeys(db, filter, events, null);
      const turns = everyCheck();
      expect(await pageKeys(db, filter, events, null, turns)).toEqual(whole);
      if (whole.keys.length > 300) expect(turns.taken).toBeGreaterThan(0);
      let after: { seriesKey: string; episodeNumber: number; sequence: number } | null = null;
      const paged: string[] = [];
      for (;;) {
        const page = await pageKeys(db, filter, 300, after, everyCheck());
        paged.push(...page.keys);
        if (!page.hasNextPage) break;
        const last = db.record('events', page.keys.at(-1)!)!;
        after = { seriesKey: last.seriesKey, episodeNumber: last.episodeNumber, sequence: last.sequence };
      }
      expect(paged, JSON.stringify(filter)).toEqual(whole.keys);
    }
  });

  it('ends with the reason a turn rejects with, and reads nothing more', async () => {
    const reason = new Error('the request went away');
    let taken = 0;
    const refusing: ScanTurns = {
      due: () => true,
      take: async () => {
        taken += 1;
        throw reason;
      },
    };
    await expect(totalsOf(db, NO_EVENT_FILTER, refusing)).rejects.toBe(reason);
    await expect(pageKeys(db, NO_EVENT_FILTER, events, null, refusing)).rejects.toBe(reason);
    await expect(db.changesAfter(null, 100_000, () => false, refusing)).rejects.toBe(reason);
    expect(taken).toBe(3);
  });

  it("reads the change log's pages as one pass does, pausing whenever due", async () => {
    const keepers: [string, (entry: { series: string | null; collection: string }) => boolean][] = [
      ['all', () => true],
      ['one series', (entry) => entry.series === firstSeries],
      ['credits only', (entry) => entry.collection === 'credits'],
      ['none', () => false],
    ];
    const { bounds } = await db.changesAfter(null, 0, () => true);
    expect(bounds.latest).toBeGreaterThan(1_000);
    for (const [name, keep] of keepers) {
      for (const first of [0, 7, 500, 100_000]) {
        const whole = await db.changesAfter(null, first, keep);
        const turns = everyCheck();
        expect(await db.changesAfter(null, first, keep, turns), `${name}, first ${first}`).toEqual(whole);
        const from = Math.floor(bounds.latest / 3);
        expect(await db.changesAfter(from, first, keep, everyCheck())).toEqual(
          await db.changesAfter(from, first, keep),
        );
      }
    }
    const turns = everyCheck();
    await db.changesAfter(null, 100_000, () => false, turns);
    expect(turns.taken).toBe(Math.floor((bounds.latest - 1) / 256));
  });

  it('ends a long read whose request is gone: store-wide events, the change log and neighbourhoods', async () => {
    const store = await openEmbeddedStore({ dataDir: path.join(dir, 'data'), readOnly: true });
    try {
      const gone = AbortSignal.abort(new Error('answered'));
      const characters = (await store.charactersBySeries([firstSeries]))[0]!.map((c) => c.key);
      expect(characters.length).toBeGreaterThan(2);
      await expect(store.findEvents({ filter: NO_EVENT_FILTER, first: 10, after: null }, gone)).rejects.toThrow(
        'answered',
      );
      await expect(
        store.changesAfter({ after: null, series: 'nope', collections: null, first: 10, signal: gone }),
      ).rejects.toThrow('answered');
      await expect(store.neighbourhoods(characters, gone)).rejects.toThrow('answered');
      // Not aborted, the same reads answer in full.
      expect((await store.findEvents({ filter: NO_EVENT_FILTER, first: 10, after: null })).totalCount).toBe(events);
      expect(await store.neighbourhoods(characters)).toHaveLength(characters.length);
    } finally {
      await store.close();
    }
  });
});
