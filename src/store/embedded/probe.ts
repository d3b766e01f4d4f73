import { spawn } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DataDirError, fileSystemProblem } from './data-dir.js';

export const DATA_FILE = 'data.mdb';

/** Written by a writer as it closes: data.mdb's size, inode and change time then, so the next opener may skip the probe. */
const CLEAN_FILE = 'drama-graph.clean';

function fileState(file: string): string | null {
  try {
    const s = statSync(file, { bigint: true });
    return JSON.stringify({ size: `${s.size}`, ino: `${s.ino}`, mtime: `${s.mtimeNs}`, ctime: `${s.ctimeNs}` });
  } catch {
    return null;
  }
}

/** After a writer closed lmdb: data.mdb is as that writer left it, for as long as its size, inode and times stay. */
export function markClosedCleanly(dataDir: string): void {
  const state = fileState(path.join(dataDir, DATA_FILE));
  if (state === null) return;
  try {
    writeFileSync(path.join(dataDir, CLEAN_FILE), state);
  } catch {
    // Without the mark, the next open probes the file.
  }
}

/** Before a writer opens lmdb: from now on the file may change, and a crash leaves no mark. */
export function forgetClosedCleanly(dataDir: string): void {
  try {
    rmSync(path.join(dataDir, CLEAN_FILE), { force: true });
  } catch (error) {
    throw fileSystemProblem(error, path.join(dataDir, CLEAN_FILE));
  }
}

function closedCleanly(dataDir: string): boolean {
  try {
    const state = fileState(path.join(dataDir, DATA_FILE));
    return state !== null && readFileSync(path.join(dataDir, CLEAN_FILE), 'utf8') === state;
  } catch {
    return false;
  }
}

const LMDB_URL = pathToFileURL(createRequire(import.meta.url).resolve('lmdb')).href;

/**
 * Opens the environment as the store does, checks that every tree holds as many entries as it records,
 * reads every value undecoded, then allocates pages in a write transaction it aborts (that reads the
 * free list; nothing is written) unless the opener only reads. Creates no sub-database.
 */
const READ_EVERYTHING = `
const [lmdbUrl, dataDir, write, ...names] = process.argv.slice(1);
try {
  const { open } = await import(lmdbUrl);
  const root = open({ path: dataDir, noSubdir: false, overlappingSync: false, maxDbs: 64, cache: false, encoding: 'binary', readOnly: write !== 'write' });
  const present = Array.from(root.getKeys());
  const recorded = root.getStats().entryCount;
  if (present.length !== recorded) throw new Error('the main tree has ' + present.length + ' entries but records ' + recorded);
  const dbs = [];
  for (const name of names.filter((n) => present.includes(n))) {
    const db = root.openDB({ name, encoding: 'binary', cache: false });
    let entries = 0;
    for (const { value } of db.getRange()) entries += value === undefined ? 0 : 1;
    // A records database's shared structures live under a symbol key, outside the default range.
    if (db.get(Symbol.for('structures')) !== undefined) entries++;
    const expected = db.getStats().entryCount;
    if (entries !== expected) throw new Error(name + ' has ' + entries + ' entries but records ' + expected);
    dbs.push(db);
  }
  const ABORT = new Error('abort');
  if (write === 'write') try {
    root.transactionSync(() => {
      for (const db of dbs) db.put('\\u0000probe', Buffer.alloc(9000));
      throw ABORT;
    });
  } catch (error) {
    if (error !== ABORT) throw error;
  }
  await root.close();
  process.stdout.write('{"ok":true}\\n');
} catch (error) {
  process.stdout.write(JSON.stringify({ error: String(error?.message ?? error), code: error?.code }) + '\\n');
  process.exit(2);
}
`;

interface ProbeOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
}

function run(dataDir: string, databases: readonly string[], write: boolean): Promise<ProbeOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', READ_EVERYTHING, '--', LMDB_URL, dataDir, write ? 'write' : 'read', ...databases],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
        env: { ...process.env, NODE_OPTIONS: '' },
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout }));
  });
}

/**
 * lmdb maps data.mdb into memory and trusts it: a damaged file can crash the process (SIGSEGV,
 * SIGBUS) with no log line. So an existing data.mdb is first read whole in a child process; if that
 * child dies or fails, this throws DATA_DIR_CORRUPTED instead, and lmdb never maps the file here.
 * The read is skipped when the file is exactly as a writer left it when it closed cleanly (its size,
 * inode and times unchanged since), as reading it grows with the catalogue. An empty data.mdb is refused
 * too: lmdb would initialise it as a new store, and the service would seed over a file it never read.
 */
export async function checkReadable(
  dataDir: string,
  databases: readonly string[],
  { write }: { write: boolean },
): Promise<void> {
  const file = path.join(dataDir, DATA_FILE);
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw fileSystemProblem(error, file);
  }
  // lmdb would take an empty file for a new store and write one over it: a store is created only where there is no file.
  if (size === 0)
    throw new DataDirError(
      'DATA_DIR_CORRUPTED',
      file,
      `${file} is empty (0 bytes): it holds no store, and a new one is created only where there is no data.mdb at ` +
        'all; restore it from a backup, or move it away to start with an empty store',
      { detail: 'empty file' },
    );
  if (closedCleanly(dataDir)) return;
  const outcome = await run(dataDir, databases, write);
  if (outcome.code === 0) return;
  if (outcome.signal) {
    throw new DataDirError(
      'DATA_DIR_CORRUPTED',
      file,
      `${file} is damaged: reading it crashed lmdb (${outcome.signal}); restore it from a backup or move it away`,
      {
        signal: outcome.signal,
      },
    );
  }
  let failure: { error?: string; code?: string } = {};
  try {
    failure = JSON.parse(outcome.stdout.trim().split('\n').pop() ?? '{}') as typeof failure;
  } catch {
    // Keep the exit code alone.
  }
  const detail = failure.error ?? `exit code ${outcome.code}`;
  if (/EACCES|EPERM|EROFS|permission denied|read-only/i.test(`${failure.code ?? ''} ${detail}`)) {
    throw fileSystemProblem(Object.assign(new Error(detail), { code: failure.code }), file);
  }
  throw new DataDirError(
    'DATA_DIR_CORRUPTED',
    file,
    `${file} cannot be read as an lmdb file: ${detail}; restore it from a backup or move it away`,
    { detail },
  );
}
