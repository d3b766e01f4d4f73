import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { open as openLmdb } from 'lmdb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { emptyDocument } from '../../src/domain/collections.js';
import { changeSet } from '../../src/domain/integrity/changes.js';
import { listSizesOf } from '../../src/domain/list-sizes.js';
import type { GraphDocument, PlotEventRecord } from '../../src/domain/records.js';
import { fold } from '../../src/domain/search/fold.js';
import { writeCatalogue } from '../../src/generate/write.js';
import { loadSeedDirectory } from '../../src/seed/load.js';
import { DataDirError } from '../../src/store/embedded/data-dir.js';
import { openEmbeddedStore } from '../../src/store/embedded/index.js';
import { FORMAT } from '../../src/store/embedded/layout.js';
import { NO_EVENT_FILTER } from '../../src/store/port.js';

/* The embedded store reads from lmdb: opening reads no record, and one process sees another's commits. */

const spawned = vi.hoisted(() => ({ probes: 0 }));
vi.mock('node:child_process', async (original) => {
  const actual = await original<typeof import('node:child_process')>();
  return {
    ...actual,
    spawn: (...args: Parameters<typeof actual.spawn>) => {
      if ((args[1] as string[] | undefined)?.[0] === '--input-type=module') spawned.probes++;
      return actual.spawn(...args);
    },
  };
});

const STORE_MODULE = pathToFileURL(path.resolve(import.meta.dirname, '../../src/store/embedded/index.ts')).href;

let dir: string;
let catalogue: GraphDocument;
let records: number;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'embedded-on-disk-'));
  await writeCatalogue({ series: 6, seed: 5, out: path.join(dir, 'catalogue') });
  catalogue = await loadSeedDirectory(path.join(dir, 'catalogue'));
  records = Object.values(catalogue).reduce((n, list: unknown[]) => n + list.length, 0);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function storeWithCatalogue(name: string): Promise<string> {
  const dataDir = path.join(dir, name);
  // Its summaries kept now: a store opened on it derives none in the background while a test counts decoded records.
  const store = await openEmbeddedStore({ dataDir, summariesInBackground: false });
  await store.importDocument(catalogue);
  await store.settleSummaries();
  await store.close();
  return dataDir;
}

describe('opening a data directory', () => {
  it('decodes no record to open, count, size lists or name its version; reads decode only what they answer', async () => {
    expect(records).toBeGreaterThan(2000);
    const dataDir = await storeWithCatalogue('no-records');
    const store = await openEmbeddedStore({ dataDir });
    try {
      expect(store.recordsDecoded).toBe(0);
      expect((await store.counts()).events).toBe(catalogue.events.length);
      expect(await store.listSizes()).toEqual(listSizesOf(catalogue));
      await store.dataVersion();
      expect(store.recordsDecoded).toBe(0);
      // It holds DATA_DIR's lock: no other process writes while it is open (see 'sees writes another process commits').
      expect(store.soleWriter).toBe(true);
      const series = catalogue.series[2]!;
      expect(await store.seriesByKeys([series.key])).toEqual([series]);
      expect(store.recordsDecoded).toBe(1);
      const page = await store.findEvents({
        filter: { ...NO_EVENT_FILTER, series: series.key },
        first: 3,
        after: null,
      });
      expect(page.totalCount).toBe(catalogue.events.filter((e) => e.seriesKey === series.key).length);
      expect(store.recordsDecoded).toBe(1 + 3);
    } finally {
      await store.close();
    }
  });

  it('reads data.mdb whole in a child first only when it is not as a writer left it on closing', async () => {
    const dataDir = await storeWithCatalogue('probe');
    const before = spawned.probes;
    const again = await openEmbeddedStore({ dataDir });
    await again.close();
    expect(spawned.probes).toBe(before);
    const now = new Date();
    await utimes(path.join(dataDir, 'data.mdb'), now, now);
    const changed = await openEmbeddedStore({ dataDir });
    expect(spawned.probes).toBe(before + 1);
    expect((await changed.counts()).events).toBe(catalogue.events.length);
    await changed.close();
  });

  it('keeps list sizes exact through upserts, moves and deletes', async () => {
    const dataDir = await storeWithCatalogue('sizes');
    const store = await openEmbeddedStore({ dataDir });
    try {
      const series = catalogue.series[0]!;
      const events = catalogue.events.filter((e) => e.seriesKey === series.key);
      const crowded = events.slice(0, 5).map(
        (e): PlotEventRecord => ({
          ...e,
          episodeNumber: 1,
          participants: [...e.participants, ...events.slice(5, 15).flatMap((x) => x.participants)].filter(
            (p, i, all) => all.findIndex((q) => q.characterKey === p.characterKey) === i,
          ),
        }),
      );
      await store.importDocument({ ...emptyDocument(), events: crowded });
      const moved = catalogue.events.map((e) => crowded.find((c) => c.key === e.key) ?? e);
      expect(await store.listSizes()).toEqual(listSizesOf({ ...catalogue, events: moved }));
      const gone = new Set(events.map((e) => e.key));
      await store.applyChanges(changeSet({ deletes: { events: [...gone] } }));
      expect(await store.listSizes()).toEqual(
        listSizesOf({ ...catalogue, events: catalogue.events.filter((e) => !gone.has(e.key)) }),
      );
    } finally {
      await store.close();
    }
  });

  it('refuses a layout format it does not know, naming it, and lets go of the directory', async () => {
    const dataDir = await storeWithCatalogue('future-format');
    const env = openLmdb({ path: dataDir, overlappingSync: false, maxDbs: 64, cache: false });
    await env.openDB({ name: 'meta', encoding: 'msgpack' }).put('format', 99);
    await env.close();
    for (const readOnly of [false, false, true]) {
      const error = await openEmbeddedStore({ dataDir, readOnly }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DataDirError);
      expect(error).toMatchObject({ reason: 'DATA_DIR_FORMAT_UNSUPPORTED', path: dataDir });
      expect((error as DataDirError).message).toContain('format 99');
    }
  });
});

/** What a store answers about the catalogue's first series, through the port's main lists. */
async function answers(store: Awaited<ReturnType<typeof openEmbeddedStore>>) {
  const series = catalogue.series[0]!;
  const character = catalogue.characters.find((c) => c.seriesKey === series.key)!;
  return {
    counts: await store.counts(),
    listSizes: await store.listSizes(),
    series: await store.seriesByKeys([series.key]),
    events: await store.eventsOfSeries([series.key]),
    page: await store.findEvents({
      filter: { ...NO_EVENT_FILTER, participant: character.slug, kinds: ['CONFESSION', 'MESSAGE'] },
      first: 20,
      after: null,
    }),
    byCharacter: await store.eventsOfCharacters([{ characterKey: character.key, kinds: null, role: null }]),
    relationships: await store.relationshipsOfSeries([series.key]),
    search: (await store.searchCandidates({ query: fold(character.name), limit: 5 })).map((f) => f.record),
    summaries: await store.seriesSummaries(catalogue.series.map((s) => s.key)),
  };
}

/** Pages (leaf and branch) of one lmdb database, in bytes. */
function databaseBytes(dataDir: string, name: string): { bytes: number; entries: number } {
  const env = openLmdb({ path: dataDir, readOnly: true, maxDbs: 64, cache: false });
  try {
    const stats = env.openDB({ name, encoding: 'binary' }).getStats() as {
      pageSize: number;
      treeBranchPageCount: number;
      treeLeafPageCount: number;
      overflowPages: number;
      entryCount: number;
    };
    const pages = stats.treeBranchPageCount + stats.treeLeafPageCount + stats.overflowPages;
    return { bytes: pages * stats.pageSize, entries: stats.entryCount };
  } finally {
    void env.close();
  }
}

describe('layout format 3', () => {
  it('stores an event record in under 450 bytes of pages and its facts in under 220 (format 2: about 780 and 280)', async () => {
    const dataDir = await storeWithCatalogue('compact');
    const names = (() => {
      const env = openLmdb({ path: dataDir, readOnly: true, maxDbs: 64, cache: false });
      const keys = Array.from(env.getKeys(), String);
      void env.close();
      return keys;
    })();
    // Wherever the layout keeps event records (format 2 kept them in 'events').
    const events = databaseBytes(dataDir, names.includes('records.events') ? 'records.events' : 'events');
    const facts = databaseBytes(dataDir, 'eventsByPosition');
    expect(events.entries).toBeGreaterThanOrEqual(catalogue.events.length);
    expect(facts.entries).toBe(catalogue.events.length);
    expect(events.bytes / catalogue.events.length).toBeLessThan(450);
    expect(facts.bytes / catalogue.events.length).toBeLessThan(220);
  });

  it('migrates a format 2 directory in place: the same answers, the old record databases emptied', async () => {
    const fresh = await storeWithCatalogue('format-3');
    const expected = await (async () => {
      const store = await openEmbeddedStore({ dataDir: fresh });
      try {
        return await answers(store);
      } finally {
        await store.close();
      }
    })();
    expect(expected.events[0]!.length).toBeGreaterThan(100);
    expect(expected.page.items.length).toBeGreaterThan(0);

    // Format 2 as it was written: plain msgpack records under the collection's name, facts with full keys.
    const dataDir = path.join(dir, 'format-2');
    const env = openLmdb({ path: dataDir, overlappingSync: false, maxDbs: 64, cache: false });
    for (const [collection, list] of Object.entries(catalogue) as [string, { key: string }[]][]) {
      const db = env.openDB({ name: collection, encoding: 'msgpack' });
      await env.transaction(() => {
        for (const record of list) db.put(record.key, record);
      });
    }
    const e = catalogue.events[0]!;
    await env
      .openDB({ name: 'eventsByPosition', encoding: 'msgpack' })
      .put([e.seriesKey, e.episodeNumber, e.sequence, e.key], [e.kind, e.outcome, e.agentKey, e.targetKey, []]);
    await env.openDB({ name: 'meta', encoding: 'msgpack' }).put('format', 2);
    await env.close();

    const refused = await openEmbeddedStore({ dataDir, readOnly: true }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({ reason: 'DATA_DIR_NEEDS_MIGRATION', details: { format: 2, expected: FORMAT } });

    const migrated = await openEmbeddedStore({ dataDir });
    try {
      expect(await answers(migrated)).toEqual(expected);
    } finally {
      await migrated.close();
    }
    const after = openLmdb({ path: dataDir, readOnly: true, maxDbs: 64, cache: false });
    try {
      expect(after.openDB({ name: 'meta', encoding: 'msgpack' }).get('format')).toBe(FORMAT);
      expect(after.openDB({ name: 'events', encoding: 'binary' }).getStats()).toMatchObject({ entryCount: 0 });
    } finally {
      await after.close();
    }
    // Opened again, it is the current format as it is: nothing more to migrate, nothing decoded to open.
    const again = await openEmbeddedStore({ dataDir });
    try {
      expect(again.recordsDecoded).toBe(0);
      expect(await answers(again)).toEqual(expected);
    } finally {
      await again.close();
    }
  }, 60_000);

  it('maps data.mdb once while an import grows it (each earlier map held its pages as RSS)', async () => {
    const dataDir = path.join(dir, 'one-map');
    const store = await openEmbeddedStore({ dataDir });
    try {
      for (const series of catalogue.series) {
        const of = <T extends { seriesKey: string }>(list: T[]) => list.filter((r) => r.seriesKey === series.key);
        await store.importDocument({
          ...emptyDocument(),
          people: catalogue.people,
          series: [series],
          episodes: of(catalogue.episodes),
          characters: of(catalogue.characters),
          castings: of(catalogue.castings),
          credits: of(catalogue.credits),
          relationships: of(catalogue.relationships),
          events: of(catalogue.events),
        });
      }
      expect((await stat(path.join(dataDir, 'data.mdb'))).size).toBeGreaterThan(4 * 1024 * 1024);
      const maps = (await readFile('/proc/self/maps', 'utf8'))
        .split('\n')
        .filter((line) => line.endsWith(path.join(dataDir, 'data.mdb')));
      expect(maps).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('keeps an event whose characters are not keyed under its series as it was written', async () => {
    const dataDir = await storeWithCatalogue('foreign-keys');
    const store = await openEmbeddedStore({ dataDir });
    try {
      const e = catalogue.events[0]!;
      const odd: PlotEventRecord = {
        ...e,
        key: `${e.seriesKey}/odd-keys`,
        slug: 'odd-keys',
        sequence: 998,
        agentKey: 'elsewhere/with/slashes',
        targetKey: '__proto__',
        participants: [
          { characterKey: 'elsewhere/with/slashes', role: 'AGENT' },
          { characterKey: '__proto__', role: 'TARGET' },
          { characterKey: `${e.seriesKey}/한국어-🙂`, role: 'WITNESS' },
        ],
      };
      await store.importDocument({ ...emptyDocument(), events: [odd] });
      const page = await store.findEvents({
        filter: { ...NO_EVENT_FILTER, series: e.seriesKey, episode: e.episodeNumber, agent: 'with/slashes' },
        first: 5,
        after: null,
      });
      expect(page.items).toEqual([odd]);
      const rows = (await store.eventsOfSeries([e.seriesKey]))[0]!;
      expect(rows.find((x) => x.key === odd.key)).toEqual(odd);
      // Roles are read from the facts, by exact character key.
      for (const { characterKey, role } of odd.participants)
        expect(await store.eventsOfCharacters([{ characterKey, kinds: null, role }])).toEqual([[odd]]);
    } finally {
      await store.close();
    }
  });
});

const WRITER = `
import { readFile } from 'node:fs/promises';
const { openEmbeddedStore } = await import(process.env.STORE_MODULE);
const store = await openEmbeddedStore({ dataDir: process.env.DATA_DIR });
await store.importDocument(JSON.parse(await readFile(process.env.DOC_FILE, 'utf8')));
process.stdout.write('written\\n');
setInterval(() => {}, 1000);
`;

/** Starts a process that opens DATA_DIR as its writer, imports the document and stays open; resolves once it is written. */
async function writeFromAnotherProcess(dataDir: string, document: GraphDocument): Promise<ChildProcess> {
  await writeFile(path.join(dir, 'writer.mjs'), WRITER);
  await writeFile(path.join(dir, 'change.json'), JSON.stringify(document));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(dir, 'writer.mjs')], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: { ...process.env, STORE_MODULE, DATA_DIR: dataDir, DOC_FILE: path.join(dir, 'change.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('written')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the writer exited (${code}): ${stderr}`)));
  });
  return child;
}

describe('several readers and one writer across processes', () => {
  it('shows a reader what another process committed, through its caches, while a second writer is refused', async () => {
    const dataDir = await storeWithCatalogue('shared');
    const reader = await openEmbeddedStore({ dataDir, readOnly: true });
    let writer: ChildProcess | null = null;
    try {
      const series = catalogue.series[1]!;
      const seriesEvents = catalogue.events.filter((e) => e.seriesKey === series.key);
      const characters = catalogue.characters.filter((c) => c.seriesKey === series.key);
      const added: PlotEventRecord = {
        ...seriesEvents[0]!,
        key: `${series.key}/seen-elsewhere`,
        slug: 'seen-elsewhere',
        sequence: 999,
        summary: 'Written by another process',
        participants: characters.map((c) => ({ characterKey: c.key, role: 'PRESENT' as const })),
        agentKey: null,
        targetKey: null,
      };
      const renamed = { ...series, title: 'Renamed Somewhere Else' };
      const filter = { ...NO_EVENT_FILTER, series: series.key };

      // Read everything once first, so that any cache holds the old answers.
      expect(await reader.seriesByKeys([series.key])).toEqual([series]);
      expect(await reader.eventsByKeys([added.key])).toEqual([null]);
      const before = await reader.findEvents({ filter, first: 500, after: null });
      expect(before.totalCount).toBe(seriesEvents.length);
      expect(await reader.listSizes()).toEqual(listSizesOf(catalogue));
      expect(await reader.searchCandidates({ query: fold('Renamed Somewhere'), limit: 10 })).toEqual([]);
      const version = await reader.dataVersion();
      // Caches in a reader revalidate at each turn of the clock; only a writer, which holds the lock, may skip that.
      expect(reader.soleWriter).toBe(false);

      writer = await writeFromAnotherProcess(dataDir, { ...emptyDocument(), series: [renamed], events: [added] });

      expect(await reader.seriesByKeys([series.key])).toEqual([renamed]);
      expect(await reader.eventsByKeys([added.key])).toEqual([added]);
      expect((await reader.counts()).events).toBe(catalogue.events.length + 1);
      const after = await reader.findEvents({ filter, first: 500, after: null });
      expect(after.totalCount).toBe(seriesEvents.length + 1);
      expect(after.items.map((e) => e.key)).toContain(added.key);
      expect((await reader.eventsOfSeries([series.key]))[0]).toContainEqual(added);
      expect(await reader.listSizes()).toEqual(
        listSizesOf({
          ...catalogue,
          series: catalogue.series.map((s) => (s.key === series.key ? renamed : s)),
          events: [...catalogue.events, added],
        }),
      );
      expect(
        (await reader.searchCandidates({ query: fold('Renamed Somewhere'), limit: 10 })).map((f) => f.record),
      ).toEqual([renamed]);
      expect(await reader.dataVersion()).not.toBe(version);

      const second = await openEmbeddedStore({ dataDir }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(second).toMatchObject({ reason: 'DATA_DIR_LOCKED', details: { holder: { pid: writer.pid } } });
      await expect(reader.importDocument(emptyDocument())).rejects.toMatchObject({ reason: 'DATA_DIR_READ_ONLY' });
    } finally {
      writer?.kill('SIGKILL');
      await reader.close();
    }
  }, 60_000);

  it('refuses to open read-only a directory no writer has prepared', async () => {
    const dataDir = path.join(dir, 'never-written');
    const env = openLmdb({ path: dataDir, overlappingSync: false, maxDbs: 16, cache: false });
    await env.openDB({ name: 'series', encoding: 'msgpack' }).put(catalogue.series[0]!.key, catalogue.series[0]);
    await env.close();
    const error = await openEmbeddedStore({ dataDir, readOnly: true }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ reason: 'DATA_DIR_NEEDS_MIGRATION', path: dataDir });
  });
});
