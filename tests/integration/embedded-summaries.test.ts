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
import { loadSeedDirectory } from '../../src/seed/load.js';
import { EmbeddedDatabase } from '../../src/store/embedded/database.js';
import { type EmbeddedStore, openEmbeddedStore } from '../../src/store/embedded/index.js';
import { FORMAT, SUMMARIES } from '../../src/store/embedded/layout.js';
import { syntheticCatalogue } from '../support/catalogue.js';

/* The summaries the embedded store keeps per series (layout format 4): read without the story, kept by writes. */

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
  const store = await openEmbeddedStore({ dataDir });
  await store.importDocument(catalogue);
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

describe('summaries in the write transaction', () => {
  let store: EmbeddedStore;
  let failing = false;

  beforeAll(async () => {
    const dataDir = await storeWithCatalogue('rollback');
    // The change log is written after the summaries, in the same transaction: a clock that throws fails it there.
    const now = () => {
      if (failing) throw new Error('the clock broke');
      return Date.now();
    };
    store = await openEmbeddedStore({ dataDir, changeLog: { retentionMs: DEFAULT_CHANGE_RETENTION_MS, now } });
  });
  afterAll(async () => {
    await store.close();
  });

  it('leaves every summary as it was when a write fails half-way, and writes it once the write succeeds', async () => {
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
    const after = await store.seriesSummaries(keys());
    expect(after[0]!.people).toContain(star!.key);
    expect(after).toEqual(
      expectedSummaries({ ...catalogue, series: catalogue.series.map((s) => (s.key === series.key ? starred : s)) }),
    );
  });
});

describe('layout format 4', () => {
  it('migrates a format 3 directory: builds every summary, drops a stale one, then opens as it is', async () => {
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

  it('migrates in transactions of 50 series; stopped part-way it stays format 3 and the next writer completes it', async () => {
    const many = syntheticCatalogue(
      Array.from({ length: 120 }, (_, i) => ({
        slug: `s${String(i).padStart(3, '0')}`,
        tropes: i % 2 === 0 ? (['TIME_SKIP'] as const).slice() : [],
        cast: [`p${i % 7}`],
      })),
    );
    const dataDir = path.join(dir, 'format-3-many');
    const fresh = await openEmbeddedStore({ dataDir });
    await fresh.importDocument(many);
    await fresh.close();
    const setFormat3 = async () => {
      const env = openLmdb({ path: dataDir, overlappingSync: false, maxDbs: 64, cache: false });
      await env.openDB({ name: 'meta', encoding: 'msgpack' }).put('format', 3);
      await env.close();
    };
    await setFormat3();

    // The second batch of summaries fails: the first is committed, the format is not.
    const prototype = EmbeddedDatabase.prototype as unknown as { summarise: (keys: Iterable<string>) => void };
    const original = prototype.summarise;
    const batches: number[] = [];
    const summarise = vi.spyOn(prototype, 'summarise').mockImplementation(function (this: unknown, keys) {
      batches.push([...keys].length);
      if (batches.length === 2) throw new Error('stopped part-way');
      original.call(this, keys);
    });
    try {
      await expect(openEmbeddedStore({ dataDir })).rejects.toThrow('stopped part-way');
    } finally {
      summarise.mockRestore();
    }
    expect(batches).toEqual([50, 50]);
    const env = openLmdb({ path: dataDir, readOnly: true, maxDbs: 64, cache: false });
    try {
      expect(env.openDB({ name: 'meta', encoding: 'msgpack' }).get('format')).toBe(3);
      expect(env.openDB({ name: SUMMARIES, encoding: 'msgpack' }).getStats()).toMatchObject({ entryCount: 50 });
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
});
