import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ISOLATED_FILES } from '../../vitest.config.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** What changes module or global state for the files after it, when files share one module graph. */
const NEEDS_ISOLATION = /\bvi\.(?:mock|doMock|unmock|stubEnv|stubGlobal|resetModules)\(/;

it('runs every test file that mocks modules or stubs globals in the isolated project, and only those', () => {
  const files = readdirSync(path.join(ROOT, 'tests'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts') && !file.endsWith(path.basename(import.meta.filename)))
    .map((file) => `tests/${file}`);
  const needing = files.filter((file) => NEEDS_ISOLATION.test(readFileSync(path.join(ROOT, file), 'utf8')));
  expect(files.length).toBeGreaterThan(100);
  expect(needing.length).toBeGreaterThan(0);
  expect([...ISOLATED_FILES].sort()).toEqual(needing.sort());
});
