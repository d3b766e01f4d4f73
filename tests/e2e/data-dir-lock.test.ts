import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { GraphCounts } from '../../src/domain/records.js';
import { writeCatalogue } from '../../src/generate/write.js';
import { openEmbeddedStore } from '../../src/store/embedded/index.js';
import { runUntilExit, startServerProcess, stopServerProcess } from '../support/server-process.js';

let root: string;
let catalogue: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'drama-graph-lock-'));
  catalogue = path.join(root, 'catalogue');
  await writeCatalogue({ series: 1, seed: 7, out: catalogue });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const npmImport = (dataDir: string) =>
  runUntilExit('npm', ['run', 'import', '--', catalogue], { DATA_DIR: dataDir, NEO4J_URI: '' });
const digest = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

it("refuses `npm run import` into a running server's DATA_DIR, naming the server; after kill -9 the next open succeeds", async () => {
  const dataDir = path.join(root, 'drama.v1');
  const server = await startServerProcess({ DATA_DIR: dataDir, NEO4J_URI: '' });
  const pid = server.child.pid!;
  let seededCounts: GraphCounts | undefined;
  try {
    const before = await digest(path.join(dataDir, 'data.mdb'));
    const refused = await npmImport(dataDir);
    const output = `${refused.stdout.join('\n')}\n${refused.stderr}`;
    expect(refused.code).not.toBe(0);
    expect(output).toContain(`DATA_DIR ${dataDir} is in use by pid ${pid}`);
    // Red team 50: the command printed the refusal without its code, which the server's log carries.
    expect(output).toContain('(DATA_DIR_LOCKED)');
    expect(output).toContain('dist/src/server.js');
    expect(output).not.toMatch(/^\s+at /m);
    expect(await digest(path.join(dataDir, 'data.mdb'))).toBe(before);
  } finally {
    expect(await stopServerProcess(server, 'SIGKILL')).toBeNull();
  }

  // The kernel dropped the killed server's lock: no stale lock, nothing the import wrote.
  const store = await openEmbeddedStore({ dataDir });
  try {
    seededCounts = await store.counts();
    expect(seededCounts.series).toBe(4);
  } finally {
    await store.close();
  }
  const imported = await npmImport(dataDir);
  expect(imported.code, imported.stderr).toBe(0);
  const after = await openEmbeddedStore({ dataDir });
  try {
    expect((await after.counts()).series).toBe(seededCounts.series + 1);
  } finally {
    await after.close();
  }
}, 180_000);

it('starts a server on a DATA_DIR another server holds only after that one is killed', async () => {
  const dataDir = path.join(root, 'shared');
  const first = await startServerProcess({ DATA_DIR: dataDir, NEO4J_URI: '' });
  try {
    const second = await runUntilExit(process.execPath, ['--enable-source-maps', 'dist/src/server.js'], {
      DATA_DIR: dataDir,
      NEO4J_URI: '',
      PORT: '0',
      HOST: '127.0.0.1',
    });
    expect(second.code).not.toBe(0);
    const lines = second.stdout.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => (line.level as number) >= 50)).toEqual([
      expect.objectContaining({
        cause: 'DATA_DIR_LOCKED',
        path: dataDir,
        holder: expect.objectContaining({ pid: first.child.pid }),
      }),
    ]);
  } finally {
    await stopServerProcess(first, 'SIGKILL');
  }
  const third = await startServerProcess({ DATA_DIR: dataDir, NEO4J_URI: '' });
  expect(await stopServerProcess(third)).toBe(0);
}, 180_000);
