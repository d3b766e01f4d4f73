import {
  copyFile,
  link,
  mkdir,
  mkdtemp,
  open as openFile,
  readFile,
  rm,
  stat,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { open as openLmdb } from 'lmdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../src/domain/records.js';
import { loadSeedDirectory } from '../../src/seed/load.js';
import { DataDirError, LOCK_FILE } from '../../src/store/embedded/data-dir.js';
import { openEmbeddedStore } from '../../src/store/embedded/index.js';
import { recordDatabase } from '../../src/store/embedded/layout.js';
import { noise } from '../support/noise.js';

let root: string;
let seeds: GraphDocument;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'embedded-data-dir-'));
  seeds = await loadSeedDirectory(path.resolve(import.meta.dirname, '../../seeds'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<DataDirError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataDirError);
  return error as DataDirError;
}

describe('any directory name', () => {
  it.each(['drama.v1', 'data.mdb', '.hidden', 'a.b.c', 'ドラマ.第1期', 'with space.d', '__proto__.x'])(
    'keeps a store in %s across a reopen',
    async (name) => {
      const dataDir = path.join(root, 'names', name);
      const store = await openEmbeddedStore({ dataDir });
      await store.importDocument(seeds);
      await store.close();
      expect((await stat(dataDir)).isDirectory()).toBe(true);
      expect((await stat(path.join(dataDir, 'data.mdb'))).isFile()).toBe(true);
      const again = await openEmbeddedStore({ dataDir });
      try {
        expect((await again.counts()).events).toBe(seeds.events.length);
      } finally {
        await again.close();
      }
    },
  );

  it('opens a data directory written by the earlier layout (DATA_DIR/data.mdb, lmdb defaults)', async () => {
    const dataDir = path.join(root, 'legacy');
    const env = openLmdb({ path: dataDir, overlappingSync: false, maxDbs: 16, cache: false });
    const series = env.openDB({ name: 'series', encoding: 'msgpack' });
    await series.put(seeds.series[0]!.key, seeds.series[0]);
    await env.close();
    const store = await openEmbeddedStore({ dataDir });
    try {
      expect(await store.seriesByKeys([seeds.series[0]!.key])).toEqual([seeds.series[0]]);
    } finally {
      await store.close();
    }
  });
});

describe('records stored before a field existed', () => {
  it('reads series and people written without external ids as having none', async () => {
    const dataDir = path.join(root, 'before-external-ids');
    const strip = <R extends { externalIds: unknown }>({ externalIds: _ids, ...rest }: R) => rest;
    const store = await openEmbeddedStore({ dataDir });
    const old = { ...seeds, series: seeds.series.map(strip), people: seeds.people.map(strip) };
    await store.importDocument(old as unknown as GraphDocument);
    await store.close();
    const again = await openEmbeddedStore({ dataDir });
    try {
      const none = { wikidata: null, imdb: null, tmdb: null, tvmaze: null };
      const [series] = await again.seriesByKeys([seeds.series[0]!.key]);
      const [person] = await again.peopleByKeys([seeds.people[0]!.key]);
      expect(series).toEqual({ ...seeds.series[0], externalIds: none });
      expect(person).toEqual({ ...seeds.people[0], externalIds: none });
    } finally {
      await again.close();
    }
  });
});

describe('one opener per data directory', () => {
  // Red team 49: a second directory holding a hard link to the data file had a lock file of its own, and an import
  // there wrote into the file a running service used, unseen by it.
  it('refuses a writer whose data file is the one another writer holds through another directory', async () => {
    const [dataDir, linked] = [path.join(root, 'held'), path.join(root, 'linked')];
    const first = await openEmbeddedStore({ dataDir });
    await mkdir(linked);
    await link(path.join(dataDir, 'data.mdb'), path.join(linked, 'data.mdb'));
    const before = await readFile(path.join(dataDir, 'data.mdb'));
    const error = await rejection(openEmbeddedStore({ dataDir: linked }));
    expect(error.reason).toBe('DATA_DIR_LOCKED');
    expect(error.path).toBe(linked);
    expect(error.message).toContain('hard link');
    expect(error.details.holder).toBeNull();
    expect((await readFile(path.join(dataDir, 'data.mdb'))).equals(before)).toBe(true);
    await first.close();
    const second = await openEmbeddedStore({ dataDir: linked });
    expect((await second.counts()).series).toBe(0);
    await second.close();
  });

  it('refuses a second open in the same process, naming it, until the first is closed', async () => {
    const dataDir = path.join(root, 'twice');
    const first = await openEmbeddedStore({ dataDir });
    const error = await rejection(openEmbeddedStore({ dataDir }));
    expect(error.reason).toBe('DATA_DIR_LOCKED');
    expect(error.path).toBe(dataDir);
    expect(error.message).toContain(`this process (pid ${process.pid})`);
    expect(error.details.holder).toMatchObject({ pid: process.pid });
    await first.close();
    const second = await openEmbeddedStore({ dataDir });
    await second.close();
  });

  it.each([
    [
      'a live pid that holds no lock (a reused pid)',
      () =>
        JSON.stringify({ pid: process.ppid, command: 'node src/server.ts', host: 'elsewhere', since: '2020-01-01' }),
    ],
    ['garbage', () => '\u0000\uffff{{{'],
    ['a prototype key', () => '{"__proto__": {"pid": 1}, "pid": "7"}'],
    ['a megabyte', () => 'x'.repeat(1_000_000)],
  ])('ignores a left-over lock file holding %s', async (_, content) => {
    const dataDir = path.join(root, `left-over-${Math.random().toString(36).slice(2)}`);
    await mkdir(dataDir);
    await writeFile(path.join(dataDir, LOCK_FILE), content());
    const store = await openEmbeddedStore({ dataDir });
    try {
      expect(JSON.parse(await readFile(path.join(dataDir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    } finally {
      await store.close();
    }
  });
});

describe('a damaged data.mdb', () => {
  const PAGE = 4096;
  let healthy: string;
  let pages: number;
  beforeAll(async () => {
    healthy = path.join(root, 'healthy');
    const store = await openEmbeddedStore({ dataDir: healthy });
    await store.importDocument(seeds);
    await store.close();
    pages = (await stat(path.join(healthy, 'data.mdb'))).size / PAGE;
  });

  async function copyOfHealthy(name: string): Promise<{ dataDir: string; file: string }> {
    const dataDir = path.join(root, 'damaged', name);
    await mkdir(dataDir, { recursive: true });
    const file = path.join(dataDir, 'data.mdb');
    await copyFile(path.join(healthy, 'data.mdb'), file);
    return { dataDir, file };
  }

  /** Either refused as DATA_DIR_CORRUPTED naming the file, or (an unused page) opened with the graph intact; never a crash. */
  async function refusedOrIntact(dataDir: string, file: string): Promise<'refused' | 'intact'> {
    const opened = await openEmbeddedStore({ dataDir }).then(
      (store) => ({ store }),
      (error: unknown) => ({ error }),
    );
    if ('error' in opened) {
      expect(opened.error).toBeInstanceOf(DataDirError);
      expect(opened.error).toMatchObject({ reason: 'DATA_DIR_CORRUPTED', path: file });
      return 'refused';
    }
    try {
      expect(await opened.store.eventsByKeys(seeds.events.map((e) => e.key))).toEqual(seeds.events);
    } finally {
      await opened.store.close();
    }
    return 'intact';
  }

  it('refuses noise over any one page, or opens intact when the page was unused', async () => {
    const outcomes: string[] = [];
    for (let page = 0; page < pages; page++) {
      const { dataDir, file } = await copyOfHealthy(`page-${page}`);
      const handle = await openFile(file, 'r+');
      await handle.write(noise(PAGE, page + 1), 0, PAGE, page * PAGE);
      await handle.close();
      outcomes.push(await refusedOrIntact(dataDir, file));
    }
    expect(outcomes).toContain('refused');
  }, 300_000);

  it.each([1, 4095, 4096, 8192, 3 * 4096 + 17])(
    'refuses the file cut to %i bytes',
    async (size) => {
      const { dataDir, file } = await copyOfHealthy(`cut-${size}`);
      await truncate(file, size);
      expect(await refusedOrIntact(dataDir, file)).toBe('refused');
    },
    60_000,
  );

  it('opens without reading records, then refuses a record lmdb stores intact but that does not decode', async () => {
    const dataDir = path.join(root, 'damaged', 'undecodable');
    const store = await openEmbeddedStore({ dataDir });
    await store.importDocument(seeds);
    await store.close();
    const env = openLmdb({ path: dataDir, overlappingSync: false, maxDbs: 64, cache: false });
    await env
      .openDB({ name: recordDatabase('events'), encoding: 'binary' })
      .put(seeds.events[0]!.key, Buffer.from([0xc1, 0xc1, 0xc1]));
    await env.close();
    for (let attempt = 0; attempt < 2; attempt++) {
      const opened = await openEmbeddedStore({ dataDir });
      try {
        const error = await rejection(opened.eventsByKeys([seeds.events[0]!.key]));
        expect(error).toMatchObject({ reason: 'DATA_DIR_CORRUPTED', path: path.join(dataDir, 'data.mdb') });
        expect(await opened.eventsByKeys([seeds.events[1]!.key])).toEqual([seeds.events[1]]);
      } finally {
        await opened.close();
      }
    }
  });

  it('refuses a directory of the earlier layout holding a record that does not decode, and lets go of it', async () => {
    const dataDir = path.join(root, 'damaged', 'undecodable-legacy');
    const env = openLmdb({ path: dataDir, overlappingSync: false, maxDbs: 16, cache: false });
    await env.openDB({ name: 'series', encoding: 'msgpack' }).put(seeds.series[0]!.key, seeds.series[0]);
    await env.openDB({ name: 'events', encoding: 'binary' }).put(seeds.events[0]!.key, Buffer.from([0xc1, 0xc1, 0xc1]));
    await env.close();
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await rejection(openEmbeddedStore({ dataDir }));
      expect(error).toMatchObject({ reason: 'DATA_DIR_CORRUPTED', path: path.join(dataDir, 'data.mdb') });
    }
  });

  it('refuses an empty data.mdb, for writers and readers, and leaves it as it is', async () => {
    const dataDir = path.join(root, 'damaged', 'empty');
    await mkdir(dataDir, { recursive: true });
    const file = path.join(dataDir, 'data.mdb');
    await writeFile(file, '');
    for (const readOnly of [false, true, false]) {
      const error = await rejection(openEmbeddedStore({ dataDir, readOnly }));
      expect(error).toBeInstanceOf(DataDirError);
      expect(error).toMatchObject({ reason: 'DATA_DIR_CORRUPTED', path: file });
      expect((error as Error).message).toMatch(/is empty \(0 bytes\).*no data\.mdb at all/);
      expect((await stat(file)).size).toBe(0);
    }
    // Without a data.mdb at all, a writer creates the store.
    await rm(file);
    const store = await openEmbeddedStore({ dataDir });
    try {
      expect(Object.values(await store.counts()).every((n) => n === 0)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
