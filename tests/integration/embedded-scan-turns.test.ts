import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCatalogue } from '../../src/generate/write.js';
import { loadSeedDirectory } from '../../src/seed/load.js';
import { EmbeddedDatabase } from '../../src/store/embedded/database.js';
import { openEmbeddedStore } from '../../src/store/embedded/index.js';
import { DataMovedError, Turns } from '../../src/store/embedded/planned.js';
import { pageKeys, type ScanTurns, totalsOf } from '../../src/store/embedded/queries.js';
import { EmbeddedReads } from '../../src/store/embedded/reads.js';
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

  it('stops a long read at its next turn once its request is gone, or once a write has moved the data', async () => {
    const reads = new EmbeddedReads(db);
    const version = reads.refresh();
    await expect(new Turns(reads, version, AbortSignal.abort(new Error('answered'))).take()).rejects.toThrow(
      'answered',
    );
    await expect(new Turns(reads, version + 1, undefined).take()).rejects.toBeInstanceOf(DataMovedError);
    await expect(new Turns(reads, version, undefined).take()).resolves.toBeUndefined();
  });

  // Red team 57: a character's 20,000 events, or a series' 110,000 for its story, were read in one go.
  it("reads an index's keys and their records in turns exactly as one pass does, pausing every 256", async () => {
    const reads = new EmbeddedReads(db);
    reads.refresh();
    const whole = reads.keysIn('eventsByPosition', [firstSeries]);
    expect(whole.length).toBeGreaterThan(256);
    const turns = everyCheck();
    expect(await reads.keysInTurns('eventsByPosition', [firstSeries], turns)).toEqual(whole);
    expect(turns.taken).toBe(Math.floor((whole.length - 1) / 256));
    const kinds = ['CONFESSION', 'REJECTION'] as const;
    expect(await reads.eventKeysInTurns('eventsByPosition', [firstSeries], [...kinds], everyCheck())).toEqual(
      reads.eventKeys('eventsByPosition', [firstSeries], [...kinds]),
    );
    const lists = [whole.slice(0, 100), [], whole.slice(100), ['no-such-event']];
    const recordTurns = everyCheck();
    expect(await reads.presentInTurns('events', lists, recordTurns)).toEqual(
      lists.map((keys) => reads.present('events', keys)),
    );
    expect(recordTurns.taken).toBe(Math.floor((whole.length + 1) / 256));
  });
});
