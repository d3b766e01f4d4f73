import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SERVICE_NODE_OPTIONS } from '../../scripts/node-options.mjs';
import { runUntilExit, startServerProcess, stopServerProcess } from '../support/server-process.js';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'drama-graph-node-options-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** V8's heap limit of a plain `node` given these NODE_OPTIONS. */
async function heapLimitOf(nodeOptions: string): Promise<number> {
  const run = await runUntilExit(
    process.execPath,
    ['-e', "console.log(require('node:v8').getHeapStatistics().heap_size_limit)"],
    { NODE_OPTIONS: nodeOptions },
  );
  expect(run.code, run.stderr).toBe(0);
  return Number(run.stdout[0]);
}

/** The heap limit the server reports on /metrics, started with `env`. */
async function serverHeapLimit(env: Record<string, string>): Promise<number> {
  const server = await startServerProcess({ DATA_DIR: dataDir, NEO4J_URI: '', SEED_ON_START: 'false', ...env });
  try {
    const metrics = await (await fetch(server.url.replace(/\/graphql$/, '/metrics'))).text();
    return Number(/^nodejs_heap_size_limit_bytes (\d+)$/m.exec(metrics)?.[1] ?? Number.NaN);
  } finally {
    await stopServerProcess(server);
  }
}

it("runs the server with the service's V8 settings, and lets the operator's NODE_OPTIONS override them", async () => {
  const plain = await heapLimitOf('');
  const ours = await heapLimitOf(SERVICE_NODE_OPTIONS);
  expect(ours).not.toBe(plain);
  expect(await serverHeapLimit({ NODE_OPTIONS: '' })).toBe(ours);

  const operators = '--max-old-space-size=1024';
  const raised = await heapLimitOf(`${SERVICE_NODE_OPTIONS} ${operators}`);
  expect(raised).toBeGreaterThan(ours);
  expect(await serverHeapLimit({ NODE_OPTIONS: operators })).toBe(raised);
}, 120_000);

/** The `heapGrowingPercent` the server's "listening" line reports, started with `env`. */
async function reportedHeapGrowth(env: Record<string, string>): Promise<unknown> {
  const server = await startServerProcess({ DATA_DIR: dataDir, NEO4J_URI: '', SEED_ON_START: 'false', ...env });
  try {
    const line = server.logs.find((l) => l.includes('drama graph listening'))!;
    return (JSON.parse(line) as { heapGrowingPercent?: unknown }).heapGrowingPercent;
  } finally {
    await stopServerProcess(server);
  }
}

it("leaves old space's growth to V8 unless HEAP_GROWING_PERCENT says otherwise, and refuses a bad one", async () => {
  expect(await reportedHeapGrowth({ HEAP_GROWING_PERCENT: '' })).toBe(0);
  expect(await reportedHeapGrowth({ HEAP_GROWING_PERCENT: '300' })).toBe(300);
  const refused = await runUntilExit(process.execPath, ['dist/src/server.js'], {
    DATA_DIR: dataDir,
    NEO4J_URI: '',
    HEAP_GROWING_PERCENT: '300 --allow-natives-syntax',
  });
  expect(refused.code).not.toBe(0);
  expect(refused.stdout.join('\n')).toContain('HEAP_GROWING_PERCENT');
  expect(refused.stdout.join('\n')).toContain('CONFIG_INVALID');
}, 120_000);
