import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ExportError, exportSeedDirectory } from '../../src/seed/export.js';

const root = mkdtempSync(path.join(tmpdir(), 'drama-export-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The directory is checked before anything is read, so a store that must not be asked is enough. */
const untouched = new Proxy(
  {},
  {
    get: () => {
      throw new Error('the store was asked');
    },
  },
) as Parameters<typeof exportSeedDirectory>[0];

it.each([
  ['a path under /proc, where Node recursive mkdir spins for ever', '/proc/drama-export/x'],
  ['a regular file', 'a-file'],
  ['a path under a regular file', 'a-file/below'],
])('refuses %s with a one-line ExportError, before reading anything', async (_what, where) => {
  writeFileSync(path.join(root, 'a-file'), 'x');
  const dir = where.startsWith('/') ? where : path.join(root, where);
  const error = await exportSeedDirectory(untouched, dir).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ExportError);
  expect((error as Error).message).toMatch(/^cannot make the export directory .* \(E[A-Z]+\)/);
  expect((error as Error).message).not.toContain('\n');
});
