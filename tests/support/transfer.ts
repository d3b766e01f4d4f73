import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exportSeedDirectory } from '../../src/seed/export.js';
import type { DramaStore } from '../../src/store/port.js';

/** Every file of a directory, by name, as text. */
export async function filesOf(dir: string): Promise<Map<string, string>> {
  const names = (await readdir(dir)).sort();
  return new Map(await Promise.all(names.map(async (n) => [n, await readFile(path.join(dir, n), 'utf8')] as const)));
}

/** sha256 over the names and bytes of every file of a directory, in name order. */
export async function digestOf(dir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const [name, text] of await filesOf(dir)) hash.update(`${name}\0${text}\0`);
  return hash.digest('hex');
}

/** Exports the store into a fresh temporary directory (listed in `made` for clean-up) and returns it. */
export async function exportToTemp(store: DramaStore, made: string[], series?: string[]): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'drama-export-'));
  made.push(dir);
  await exportSeedDirectory(store, dir, { series: series ?? null });
  return dir;
}
