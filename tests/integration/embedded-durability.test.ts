import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { NO_EXTERNAL_IDS } from '../../src/domain/build.js';
import { emptyDocument } from '../../src/domain/collections.js';
import type { GraphDocument, PersonRecord } from '../../src/domain/records.js';
import { SeedValidationError } from '../../src/errors.js';
import { writeCatalogue } from '../../src/generate/write.js';
import { ExportError, exportSeedDirectory } from '../../src/seed/export.js';
import { loadSeedDirectory } from '../../src/seed/load.js';
import { readSeedJson } from '../../src/seed/read.js';
import { openEmbeddedStore } from '../../src/store/embedded/index.js';

const STORE_MODULE = pathToFileURL(path.resolve(import.meta.dirname, '../../src/store/embedded/index.ts')).href;

function bigDocument(events: number): GraphDocument {
  const series = {
    key: 'durable',
    slug: 'durable',
    title: 'Durable',
    originalTitle: null,
    country: null,
    releaseYear: null,
    platforms: [],
    genres: [],
    episodeCount: 1,
    starring: [],
    externalIds: NO_EXTERNAL_IDS,
    sources: [],
  };
  const character = {
    key: 'durable/ann',
    seriesKey: 'durable',
    slug: 'ann',
    name: 'Ann',
    nativeName: null,
    aliases: [],
    description: [],
    firstEpisode: null,
    sources: [],
    certainty: 'STATED' as const,
    basis: [],
  };
  return {
    people: [],
    series: [series],
    episodes: [],
    characters: [character],
    castings: [],
    credits: [],
    relationships: [],
    events: Array.from({ length: events }, (_, i) => ({
      key: `durable/e-${i}`,
      seriesKey: 'durable',
      slug: `e-${i}`,
      episodeNumber: 1,
      sequence: i + 1,
      kind: 'MEMORY' as const,
      summary: `Event ${i} ${'x'.repeat(200)}`,
      agentKey: 'durable/ann',
      targetKey: null,
      participants: [{ characterKey: 'durable/ann', role: 'AGENT' as const }],
      outcome: null,
      flashback: i % 2 === 0,
      sources: [{ document: 'durable.md', paragraph: i + 1 }],
      certainty: 'STATED' as const,
      basis: [],
    })),
  };
}

const WRITER = `
import { readFile } from 'node:fs/promises';
const { openEmbeddedStore } = await import(process.env.STORE_MODULE);
const store = await openEmbeddedStore({ dataDir: process.env.DATA_DIR });
const doc = JSON.parse(await readFile(process.env.DOC_FILE, 'utf8'));
await store.importDocument(doc);
process.stdout.write('written\\n');
setInterval(() => {}, 1000);
`;

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'embedded-durable-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function runAndKill(env: Record<string, string>): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(dir, 'writer.mjs')], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    if (chunk.toString().includes('written')) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      signal === 'SIGKILL' ? resolve(signal) : reject(new Error(`exit ${code}: ${stderr}`)),
    );
  });
}

it('keeps an awaited import when the process is SIGKILLed right after it', async () => {
  const doc = bigDocument(3000);
  await writeFile(path.join(dir, 'writer.mjs'), WRITER);
  await writeFile(path.join(dir, 'doc.json'), JSON.stringify(doc));
  const dataDir = path.join(dir, 'data');
  const signal = await runAndKill({ STORE_MODULE, DATA_DIR: dataDir, DOC_FILE: path.join(dir, 'doc.json') });
  expect(signal).toBe('SIGKILL');
  const store = await openEmbeddedStore({ dataDir });
  try {
    expect((await store.counts()).events).toBe(3000);
    expect(await store.eventsByKeys(doc.events.map((e) => e.key))).toEqual(doc.events);
    expect(await store.seriesByKeys(['durable'])).toEqual(doc.series);
    expect(await store.charactersByKeys(['durable/ann'])).toEqual(doc.characters);
  } finally {
    await store.close();
  }
}, 30_000);

function peopleBatch(batch: number): GraphDocument {
  const people: PersonRecord[] = Array.from({ length: 100 }, (_, i) => ({
    key: `full-${batch}-${i}`,
    slug: `full-${batch}-${i}`,
    // Random, so that lmdb's compression cannot shrink it: each batch takes its own pages.
    name: randomBytes(30).toString('hex'),
    nativeName: null,
    externalIds: NO_EXTERNAL_IDS,
    sources: [],
  }));
  return { ...emptyDocument(), people };
}

it('refuses a write that a full disk cannot commit with STORE_WRITE_FAILED, and stays usable', async () => {
  const disk = path.join(dir, 'disk');
  await mkdir(disk);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', disk]);
  try {
    await writeFile(path.join(disk, 'filler'), Buffer.alloc(1024 * 1024));
    const store = await openEmbeddedStore({ dataDir: path.join(disk, 'data') });
    try {
      const written: GraphDocument[] = [];
      let failure: unknown = null;
      for (let batch = 0; batch < 200 && failure === null; batch++) {
        const doc = peopleBatch(batch);
        try {
          await store.importDocument(doc);
          written.push(doc);
        } catch (error) {
          failure = error;
        }
      }
      expect(failure).toMatchObject({ extensions: { code: 'STORE_WRITE_FAILED', store: 'embedded' } });
      expect(String((failure as Error).message)).toMatch(/could not commit this write/);
      expect(written.length).toBeGreaterThan(0);
      // Every acknowledged write is intact and readable; nothing of the failed one is there.
      const people = written.flatMap((d) => d.people);
      expect((await store.counts()).people).toBe(people.length);
      expect(await store.peopleByKeys(people.map((p) => p.key))).toEqual(people);
      expect(await store.peopleByKeys([`full-${written.length}-0`])).toEqual([null]);
      // With room again, the store writes as before.
      await rm(path.join(disk, 'filler'));
      const retry = peopleBatch(written.length);
      retry.people = retry.people.slice(0, 2);
      await store.importDocument(retry);
      expect(await store.peopleByKeys(retry.people.map((p) => p.key))).toEqual(retry.people);
    } finally {
      await store.close();
    }
  } finally {
    execFileSync('umount', [disk]);
  }
}, 60_000);

it('an export that fills the disk leaves only complete files under final names, and a one-line ExportError', async () => {
  await writeCatalogue({ series: 4, seed: 3, out: path.join(dir, 'catalogue') });
  const store = await openEmbeddedStore({ dataDir: path.join(dir, 'data') });
  const disk = path.join(dir, 'disk');
  await mkdir(disk);
  try {
    await store.importDocument(await loadSeedDirectory(path.join(dir, 'catalogue')));
    const whole = path.join(dir, 'whole');
    await exportSeedDirectory(store, whole);
    // Room for about one series file (a generated one is about 190 KB), not four.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=300k', 'tmpfs', disk]);
    const error = await exportSeedDirectory(store, disk).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportError);
    expect((error as Error).message).toMatch(/^cannot write \S+\.json into .* \(ENOSPC: the disk is full\)/);
    expect((error as Error).message).not.toContain('\n');
    const left = await readdir(disk);
    expect(left.filter((n) => n.endsWith('.partial'))).toEqual([]);
    // Every file under a final name is the whole file a complete export writes.
    for (const name of left)
      expect(await readFile(path.join(disk, name), 'utf8')).toBe(await readFile(path.join(whole, name), 'utf8'));
  } finally {
    await store.close();
    execFileSync('umount', [disk]);
  }
}, 60_000);

it('refuses a FIFO named *.json as not-a-file instead of waiting for a writer', async () => {
  execFileSync('mkfifo', [path.join(dir, 'pipe.json')]);
  const error = await readSeedJson(dir, 'pipe.json').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SeedValidationError);
  expect((error as SeedValidationError).issues).toMatchObject([{ file: 'pipe.json', rule: 'not-a-file' }]);
  // A regular file still reads.
  await writeFile(path.join(dir, 'plain.json'), '{"a": 1}');
  expect(await readSeedJson(dir, 'plain.json')).toEqual({ a: 1 });
}, 20_000);
