import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DataDirError, fileSystemProblem } from './data-dir.js';

export const DATA_FILE = 'data.mdb';

const LMDB_URL = pathToFileURL(createRequire(import.meta.url).resolve('lmdb')).href;

/** Opens the environment read-only and reads every value of the named sub-databases, undecoded. */
const READ_EVERYTHING = `
const [lmdbUrl, dataDir, ...names] = process.argv.slice(1);
try {
  const { open } = await import(lmdbUrl);
  const root = open({ path: dataDir, noSubdir: false, readOnly: true, maxDbs: 16, cache: false, encoding: 'binary' });
  let entries = 0;
  const present = new Set(root.getKeys());
  for (const name of names.filter((n) => present.has(n))) {
    const db = root.openDB({ name, encoding: 'binary', cache: false });
    for (const { value } of db.getRange()) entries += value ? 1 : 0;
  }
  await root.close();
  process.stdout.write(JSON.stringify({ entries }) + '\\n');
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

function run(dataDir: string, databases: readonly string[]): Promise<ProbeOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', READ_EVERYTHING, '--', LMDB_URL, dataDir, ...databases], {
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
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
 */
export async function checkReadable(dataDir: string, databases: readonly string[]): Promise<void> {
  const file = path.join(dataDir, DATA_FILE);
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw fileSystemProblem(error, file);
  }
  if (size === 0) return;
  const outcome = await run(dataDir, databases);
  if (outcome.code === 0) return;
  if (outcome.signal) {
    throw new DataDirError('DATA_DIR_CORRUPTED', file, `${file} is damaged: reading it crashed lmdb (${outcome.signal}); restore it from a backup or move it away`, {
      signal: outcome.signal,
    });
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
  throw new DataDirError('DATA_DIR_CORRUPTED', file, `${file} cannot be read as an lmdb file: ${detail}; restore it from a backup or move it away`, { detail });
}
