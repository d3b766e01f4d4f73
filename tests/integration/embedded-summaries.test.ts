import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { open as openLmdb } from 'lmdb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CHANGE_RETENTION_MS } from '../../src/domain/change-log.js';
import { changeSet } from '../../src/domain/integrity/changes.js';
import type { GraphDocument } from '../../src/domain/records.js';
import { summaryOf } from '../../src/domain/series-summary.js';
import { writeCatalogue } from '../../src/generate/write.js';
import { buildCatalogue } from '../../src/reads/catalogue-profiles.js';
import { toGraphDocument } from '../../src/seed/document.js';
import { loadSeedDirectory, parseSeedText } from '../../src/seed/load.js';
import { EmbeddedDatabase } from '../../src/store/embedded/database.js';
import { type EmbeddedStore, openEmbeddedStore } from '../../src/store/embedded/index.js';
import { FORMAT, SUMMARIES, SUMMARIES_DUE } from '../../src/store/embedded/layout.js';
import { bigSeriesText } from '../support/big-series.js';
import { syntheticCatalogue } from '../support/catalogue.js';
import { countingRoundTrips } from '../support/round-trips.js';

/*
 * The summaries the embedded store keeps per series (layout format 5): read without the story; a write marks its
 * series' summaries due, reads derive a due one, and the store keeps it in the background.
 */

let dir: string;
let catalogue: GraphDocument;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'embedded-summaries-'));
  await writeCatalogue({ series: 6, seed: 7, out: path.join(dir, 'catalogue') });
  catalogue = await loadSeedDirectory(path.join(dir, 'catalogue'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function storeWithCatalogue(name: string): Promise<string> {
  const dataDir = path.join(dir, name);
  const store = await openEmbeddedStore({ dataDir, summariesInBackground: false });
  await store.importDocument(catalogue);
  await store.settleSummaries();
  await store.close();
  return dataDir;
}

/** Each series' summary as derived from the catalogue document itself. */
const expectedSummaries = (document: GraphDocument) =>
  document.series.map((s) => {
    const of = <T extends { seriesKey: string }>(list: T[]) => list.filter((r) => r.seriesKey === s.key);
    return summaryOf(s, {
      relationships: of(document.relationships),
      events: of(document.events),
      castings: of(document.castings),
      credits: of(document.credits),
    });
  });

const keys = () => catalogue.series.map((s) => s.key);

describe('building the recommendation catalogue on the embedded store', () => {
  it('decodes no record of the story: only the series records it lists', async () => {
    expect(catalogue.events.length + catalogue.relationships.length).toBeGreaterThan(1_000);
    const dataDir = await storeWithCatalogue('no-story');
    const store = await openEmbeddedStore({ dataDir });
    try {
      expect(store.recordsDecoded).toBe(0);
      const snapshot = await buildCatalogue(store);
      expect(snapshot.entries.map((e) => e.series.key)).toEqual(
        catalogue.series
          .map((s) => s)
          .sort((a, b) => (a.slug < b.slug ? -1 : 1))
          .map((s) => s.key),
      );
      expect(snapshot.entries.some((e) => e.profile.tropes.length > 0)).toBe(true);
      expect(store.recordsDecoded).toBeLessThanOrEqual(catalogue.series.length);
      expect(await store.seriesSummaries(keys())).toEqual(expectedSummaries(catalogue));
    } finally {
      await store.close();
    }
  });
});

describe('summaries after a write', () => {
  let store: EmbeddedStore;
  let failing = false;

  beforeAll(async () => {
    const dataDir = await storeWithCatalogue('rollback');
    // The change log is written after the summaries, in the same transaction: a clock that throws fails it there.
    const now = () => {
      if (failing) throw new Error('the clock broke');
      return Date.now();
    };
    store = await openEmbeddedStore({
      dataDir,
      changeLog: { retentionMs: DEFAULT_CHANGE_RETENTION_MS, now },
      summariesInBackground: false,
    });
  });
  afterAll(async () => {
    await store.close();
  });

  it('leaves every summary as it was when a write fails half-way; once it succeeds, reads derive the new one and the store keeps it', async () => {
    const before = await store.seriesSummaries(keys());
    const series = catalogue.series[0]!;
    const star = catalogue.people.find((p) => !before[0]!.people.includes(p.key));
    expect(star).toBeDefined();
    const starred = { ...series, starring: [...series.starring, star!.key], genres: ['__proto__', 'ドラマ'] };
    const version = await store.dataVersion();

    failing = true;
    await expect(store.applyChanges(changeSet({ upserts: { series: [starred] } }))).rejects.toThrow('the clock broke');
    failing = false;
    expect(await store.seriesSummaries(keys())).toEqual(before);
    expect(await store.seriesByKeys([series.key])).toEqual([series]);
    expect(await store.dataVersion()).toBe(version);

    await store.applyChanges(changeSet({ upserts: { series: [starred] } }));
    const expected = expectedSummaries({
      ...catalogue,
      series: catalogue.series.map((s) => (s.key === series.key ? starred : s)),
    });
    const derived = await store.seriesSummaries(keys());
    expect(derived[0]!.people).toContain(star!.key);
    expect(derived).toEqual(expected);

    await store.settleSummaries();
    const decoded = store.recordsDecoded;
    expect(await store.seriesSummaries(keys())).toEqual(expected);
    expect(store.recordsDecoded).toBe(decoded);
  });
});

describe('a write to a long series', () => {
  let dataDir: string;
  const text = bigSeriesText('long', 4, 2_500);
  const long = toGraphDocument([parseSeedText('long.json', text)]);
  const confession = long.events.find((e) => e.kind === 'CONFESSION')!;
  const expected = () => expectedSummaries(long)[0];

  beforeAll(async () => {
    dataDir = path.join(dir, 'long');
    const store = await openEmbeddedStore({ dataDir, summariesInBackground: false });
    await store.importDocument(long);
    await store.settleSummaries();
    await store.close();
  });

  it('decodes none of its events in the write; a read derives the due summary from the index, then settling keeps it', async () => {
    expect(long.events.filter((e) => e.kind === 'CONFESSION').length).toBe(5_000);
    const rejected = { ...confession, outcome: 'REJECTED' as const };
    const withRejection = expectedSummaries({
      ...long,
      events: long.events.map((e) => (e.key === confession.key ? rejected : e)),
    })[0];
    expect(withRejection).not.toEqual(expected());
    const store = await openEmbeddedStore({ dataDir, summariesInBackground: false });
    try {
      const before = store.recordsDecoded;
      await store.applyChanges(changeSet({ upserts: { events: [rejected] } }));
      // The write's own checks read a few records (the series, its episode, the two characters, the event).
      expect(store.recordsDecoded - before).toBeLessThan(20);

      // Derived at once (the summary kept is the one before), from the index's facts: no event record is decoded.
      const derivedFrom = store.recordsDecoded;
      expect(await store.seriesSummaries(['long', 'long'])).toEqual([withRejection, withRejection]);
      expect(store.recordsDecoded - derivedFrom).toBeLessThan(10);

      await store.settleSummaries();
      const kept = store.recordsDecoded;
      expect(await store.seriesSummaries(['long'])).toEqual([withRejection]);
      expect(store.recordsDecoded).toBe(kept);

      await store.applyChanges(changeSet({ upserts: { events: [confession] } }));
      expect(await store.seriesSummaries(['long'])).toEqual([expected()]);
      await store.settleSummaries();
    } finally {
      await store.close();
    }
  });

  it('keeps it in the background, outside the round trips of the write that marked it due', async () => {
    const store = await openEmbeddedStore({ dataDir });
    try {
      const write = await countingRoundTrips(() =>
        store.applyChanges(changeSet({ upserts: { events: [{ ...confession, summary: 'Said a third time.' }] } })),
      );
      await vi.waitFor(
        async () => {
          const decoded = store.recordsDecoded;
          expect(await store.seriesSummaries(['long'])).toEqual([expected()]);
          expect(store.recordsDecoded).toBe(decoded);
        },
        { timeout: 60_000, interval: 50 },
      );
      expect(write.trips).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('closes while it keeps one: the summary stays due and the next writer keeps it', async () => {
    const store = await openEmbeddedStore({ dataDir });
    await store.applyChanges(changeSet({ upserts: { events: [{ ...confession, summary: 'Said once more.' }] } }));
    await store.close();
    const reader = await openEmbeddedStore({ dataDir, readOnly: true });
    try {
      expect(await reader.seriesSummaries(['long'])).toEqual([expected()]);
    } finally {
      await reader.close();
    }
    const next = await openEmbeddedStore({ dataDir });
    try {
      await vi.waitFor(
        async () => {
          const decoded = next.recordsDecoded;
          expect(await next.seriesSummaries(['long'])).toEqual([expected()]);
          expect(next.recordsDecoded).toBe(decoded);
        },
        { timeout: 60_000, interval: 50 },
      );
    } finally {
      await next.close();
    }
  });

  it('keeps no summary derived before a later write marked the series due again', async () => {
    const database = await EmbeddedDatabase.open(path.join(dir, 'serials'), { readOnly: false });
    try {
      const log = { drafts: [], options: { retentionMs: DEFAULT_CHANGE_RETENTION_MS } };
      await database.write(long, log);
      const [first] = database.dueSummaries(10);
      expect(first).toEqual({ seriesKey: 'long', serial: expect.any(Number) });
      await database.write({ ...long, events: [{ ...confession, summary: 'Changed while it was derived.' }] }, log);
      const [second] = database.dueSummaries(10);
      expect(second!.serial).toBeGreaterThan(first!.serial);

      expect(await database.keepSummary('long', first!.serial, expected()!)).toBe(false);
      expect(database.keptSummaries(['long'])).toEqual(['due']);
      expect(await database.keepSummary('long', second!.serial, expected()!)).toBe(true);
      expect(database.keptSummaries(['long', 'nothing', 'x'.repeat(5_000)])).toEqual([expected(), null, null]);
      expect(database.dueSummaries(10)).toEqual([]);
    } finally {
      await database.close();
    }
  });
});

describe('layout format 5', () => {
  it('migrates a format 3 directory: marks every summary due, drops a stale one, then opens as it is', async () => {
    const dataDir = await storeWithCatalogue('format-3');
    const expected = expectedSummaries(catalogue);

    // Format 3 as it was: no summaries (here one stale summary of a series that is not there).
    const env = openLmdb({ path: dataDir, overlappingSync: false, maxDbs: 64, cache: false });
    const summaries = env.openDB({ name: SUMMARIES, encoding: 'msgpack' });
    await env.transaction(() => {
      for (const key of Array.from(summaries.getKeys())) summaries.remove(key);
      summaries.put('ghost', expected[0]);
    });
    await env.openDB({ name: 'meta', encoding: 'msgpack' }).put('format', 3);
    await env.close();

    const refused = await openEmbeddedStore({ dataDir, readOnly: true }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({ reason: 'DATA_DIR_NEEDS_MIGRATION', details: { format: 3, expected: FORMAT } });

    const migrated = await openEmbeddedStore({ dataDir });
    try {
      expect(await migrated.seriesSummaries([...keys(), 'ghost'])).toEqual([...expected, null]);
    } finally {
      await migrated.close();
    }
    const after = openLmdb({ path: dataDir, readOnly: true, maxDbs: 64, cache: false });
    try {
      expect(after.openDB({ name: 'meta', encoding: 'msgpack' }).get('format')).toBe(FORMAT);
    } finally {
      await after.close();
    }
    const again = await openEmbeddedStore({ dataDir, readOnly: true });
    try {
      expect(again.recordsDecoded).toBe(0);
      expect(await again.seriesSummaries(keys())).toEqual(expected);
    } finally {
      await again.close();
    }
  }, 60_000);

  it('marks them due in transactions of 50 series; stopped part-way it stays format 3 and the next writer completes it', async () => {
    const many = syntheticCatalogue(
      Array.from({ length: 120 }, (_, i) => ({
        slug: `s${String(i).padStart(3, '0')}`,
        tropes: i % 2 === 0 ? (['TIME_SKIP'] as const).slice() : [],
        cast: [`p${i % 7}`],
      })),
    );
    const dataDir = path.join(dir, 'format-3-many');
    const fresh = await openEmbeddedStore({ dataDir, summariesInBackground: false });
    await fresh.importDocument(many);
    await fresh.settleSummaries();
    await fresh.close();
    const setFormat3 = async () => {
      const env = openLmdb({ path: dataDir, overlappingSync: false, maxDbs: 64, cache: false });
      await env.openDB({ name: 'meta', encoding: 'msgpack' }).put('format', 3);
      await env.close();
    };
    await setFormat3();

    // The second batch of marks fails: the first is committed, the format is not.
    const prototype = EmbeddedDatabase.prototype as unknown as { markDue: (keys: Iterable<string>) => void };
    const original = prototype.markDue;
    const batches: number[] = [];
    const markDue = vi.spyOn(prototype, 'markDue').mockImplementation(function (this: unknown, keys) {
      batches.push([...keys].length);
      if (batches.length === 2) throw new Error('stopped part-way');
      original.call(this, keys);
    });
    try {
      await expect(openEmbeddedStore({ dataDir })).rejects.toThrow('stopped part-way');
    } finally {
      markDue.mockRestore();
    }
    expect(batches).toEqual([50, 50]);
    const env = openLmdb({ path: dataDir, readOnly: true, maxDbs: 64, cache: false });
    try {
      expect(env.openDB({ name: 'meta', encoding: 'msgpack' }).get('format')).toBe(3);
      expect(env.openDB({ name: SUMMARIES, encoding: 'msgpack' }).getStats()).toMatchObject({ entryCount: 0 });
      expect(env.openDB({ name: SUMMARIES_DUE, encoding: 'msgpack' }).getStats()).toMatchObject({ entryCount: 50 });
    } finally {
      await env.close();
    }

    const completed = await openEmbeddedStore({ dataDir });
    try {
      expect(await completed.seriesSummaries(many.series.map((s) => s.key))).toEqual(expectedSummaries(many));
    } finally {
      await completed.close();
    }
    const after = openLmdb({ path: dataDir, readOnly: true, maxDbs: 64, cache: false });
    try {
      expect(after.openDB({ name: 'meta', encoding: 'msgpack' }).get('format')).toBe(FORMAT);
    } finally {
      await after.close();
    }
  }, 120_000);

  it('opens a format 4 directory with the summaries it kept: nothing due, no story decoded', async () => {
    const dataDir = await storeWithCatalogue('format-4');
    const env = openLmdb({ path: dataDir, overlappingSync: false, maxDbs: 64, cache: false });
    await env.openDB({ name: 'meta', encoding: 'msgpack' }).put('format', 4);
    await env.close();

    const refused = await openEmbeddedStore({ dataDir, readOnly: true }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({ reason: 'DATA_DIR_NEEDS_MIGRATION', details: { format: 4, expected: FORMAT } });
    const migrated = await openEmbeddedStore({ dataDir, summariesInBackground: false });
    try {
      expect(await migrated.seriesSummaries(keys())).toEqual(expectedSummaries(catalogue));
      expect(migrated.recordsDecoded).toBe(0);
    } finally {
      await migrated.close();
    }
  });
});
