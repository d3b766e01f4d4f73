#!/usr/bin/env node
// `npm test`: the suite's two lines (vitest.config.ts) side by side, each a vitest run of its own with one
// file at a time: the Neo4j line, and the embedded line with the isolated files, which needs no Neo4j. With
// arguments (`npm test -- tests/e2e/limits.test.ts`), one vitest run with them.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VITEST = path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const args = process.argv.slice(2);

if (args.length > 0) {
  const { status } = spawnSync(process.execPath, [VITEST, 'run', ...args], { cwd: ROOT, stdio: 'inherit' });
  process.exit(status ?? 1);
}

// Once, before both lines: their global setups would otherwise compile dist/ at the same time.
const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'ensure-dist.mjs')], {
  cwd: ROOT,
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);

const LINES = [
  { name: 'neo4j', projects: ['neo4j'], env: {} },
  { name: 'embedded', projects: ['embedded', 'isolated'], env: { TEST_NEO4J: 'none' } },
];
const color = process.stdout.isTTY ? { FORCE_COLOR: '1' } : {};

const children = LINES.map((line) => {
  const started = performance.now();
  const child = spawn(process.execPath, [VITEST, 'run', ...line.projects.flatMap((p) => ['--project', p])], {
    cwd: ROOT,
    env: { ...process.env, ...color, ...line.env, TEST_DIST_BUILT: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const [from, to] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ]) {
    createInterface({ input: from }).on('line', (text) => to.write(`[${line.name}] ${text}\n`));
  }
  const done = new Promise((resolve) => {
    child.on('close', (code, signal) =>
      resolve({ line, code: code ?? 1, signal, seconds: (performance.now() - started) / 1000 }),
    );
  });
  return { child, done };
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const { child } of children) child.kill(signal);
  });
}

const results = await Promise.all(children.map((c) => c.done));
for (const { line, code, signal, seconds } of results) {
  console.log(`${line.name} line: ${signal ? `stopped by ${signal}` : `exit ${code}`} after ${seconds.toFixed(0)} s`);
}
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
