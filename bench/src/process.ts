import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort } from '../../scripts/neo4j.mjs';
import { withServiceNodeOptions } from '../../scripts/node-options.mjs';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServiceProcess {
  url: string;
  pid: number;
  /** Milliseconds from spawning the process to its first 200 from /ready. */
  readyMs: number;
  /** Peak resident memory so far (VmHWM), in MB. */
  peakRssMb(): Promise<number>;
  /** Resident memory now, in MB: all of it (VmRSS), the process's own (RssAnon) and pages of mapped files (RssFile, e.g. lmdb's data.mdb). */
  rssMb(): Promise<Rss>;
  stop(): Promise<void>;
}

export interface Rss {
  total: number;
  anon: number;
  file: number;
}

async function statusMb(pid: number, field: 'VmHWM' | 'VmRSS' | 'RssAnon' | 'RssFile'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** Peak resident set size of a process, from /proc (Linux). */
export const peakRssMb = (pid: number): Promise<number> => statusMb(pid, 'VmHWM');

/** Polls /ready every 20 ms; resolves with the milliseconds since `since` at its first 200. */
async function timeUntilReady(baseUrl: string, child: ChildProcess, since: number, timeoutMs: number): Promise<number> {
  while (performance.now() - since < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`the process exited with ${child.exitCode}`);
    const ok = await fetch(`${baseUrl}/ready`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return performance.now() - since;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${baseUrl}/ready did not answer 200 within ${timeoutMs} ms`);
}

async function waitUntilUp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the process exited with ${child.exitCode}`);
    const ok = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{__typename}"}',
    })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/**
 * How Node runs an entry point: compiled JavaScript (dist/, as shipped) directly, TypeScript under tsx.
 * Either way the process is Node itself, so its pid is the service's.
 */
export const nodeArgs = (entry: string): string[] =>
  entry.endsWith('.js') ? ['--enable-source-maps', entry] : ['--import', 'tsx', entry];

/** Runs an entry point as its own Node process (see nodeArgs). */
export async function startNodeService(
  entry: string,
  env: Record<string, string>,
  { timeoutMs = 180_000, ready = false } = {},
): Promise<ServiceProcess> {
  const port = (await freePort()) as number;
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, nodeArgs(entry), {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  const readyMs = ready ? await timeUntilReady(`http://127.0.0.1:${port}`, child, spawnedAt, timeoutMs) : NaN;
  await waitUntilUp(url, child, timeoutMs);
  return {
    url,
    pid: child.pid!,
    readyMs,
    peakRssMb: () => peakRssMb(child.pid!),
    rssMb: async () => ({
      total: await statusMb(child.pid!, 'VmRSS'),
      anon: await statusMb(child.pid!, 'RssAnon'),
      file: await statusMb(child.pid!, 'RssFile'),
    }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Our service as shipped (dist/src/server.js, what `npm start` runs, with its V8 settings, scripts/node-options.mjs;
 * main.ts builds it first) on a store, with no rate limit, no response cache (unless `responseCacheTtlMs`) and quiet
 * logs. NODE_OPTIONS given to the benchmark come after the service's settings, as an operator's do.
 */
export function startDramaService(
  storeEnv: Record<string, string>,
  loaders: 'on' | 'off',
  responseCacheTtlMs = 0,
  planner: 'on' | 'off' = 'on',
): Promise<ServiceProcess> {
  return startNodeService(
    'dist/src/server.js',
    {
      ...storeEnv,
      NODE_OPTIONS: withServiceNodeOptions(process.env).NODE_OPTIONS,
      DRAMA_LOADERS: loaders,
      PLANNER: planner,
      SEED_ON_START: 'false',
      RATE_LIMIT_MAX: '0',
      RESPONSE_CACHE_TTL_MS: String(responseCacheTtlMs),
      MAX_COST: '100000000',
      MAX_TOKENS: '100000',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      // No background build of the recommendation profiles competing with ops 1–6; op 7 builds them itself.
      WARM_RECOMMENDATIONS: 'false',
    },
    { ready: true },
  );
}

/** Store round trips so far, read from the service's Prometheus /metrics. */
export async function roundTripsTotal(graphqlUrl: string): Promise<number> {
  const text = await (await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'))).text();
  return Number(/^store_round_trips_total (\d+(?:\.\d+)?)/m.exec(text)?.[1] ?? NaN);
}
