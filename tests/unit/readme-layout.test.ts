import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const table = readme.slice(readme.indexOf('## Where things live'), readme.indexOf('## Documentation'));

it('names every folder and top-level file of src/ in the README layout table, and only ones that exist', () => {
  const entries = readdirSync(path.join(ROOT, 'src'), { withFileTypes: true })
    .filter((e) => e.isDirectory() || (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')))
    .map((e) => (e.isDirectory() ? `src/${e.name}/` : `src/${e.name}`));
  const unnamed = entries.filter((entry) => !table.includes(`\`${entry}\``));
  expect(unnamed).toEqual([]);
  const named = [...table.matchAll(/`(src\/[\w./-]+)`/g)].map((m) => m[1]!);
  expect(named.length).toBeGreaterThan(10);
  expect(named.filter((p) => !readdirSync(path.join(ROOT, path.dirname(p))).includes(path.basename(p)))).toEqual([]);
});
