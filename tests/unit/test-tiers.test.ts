import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

const UNIT = import.meta.dirname;
/** What opens a store, or reaches a database or another process: such tests belong in tests/integration. */
const NEEDS_MORE = [
  /\bopen(?:Embedded|Neo4j)?Store\b/,
  /\bstoreFactories\b/,
  /\bdescribeEachStore\b/,
  /\binject\(\s*'neo4j'/,
  /from '(?:lmdb|neo4j-driver|node:child_process)'/,
  /from '[./]+\/support\/(?:stores|each-store|server-process|seeded)\.js'/,
];

it('keeps tests/unit free of databases and child processes, so `npm run test:unit` runs anywhere', () => {
  const files = readdirSync(UNIT).filter((f) => f.endsWith('.test.ts') && f !== path.basename(import.meta.filename));
  const offenders = files.flatMap((file) => {
    const text = readFileSync(path.join(UNIT, file), 'utf8');
    return NEEDS_MORE.filter((pattern) => pattern.test(text)).map((pattern) => `${file}: ${pattern.source}`);
  });
  expect(files.length).toBeGreaterThan(10);
  expect(offenders).toEqual([]);
});
