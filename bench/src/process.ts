import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort } from '../../scripts/neo4j.mjs';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServiceProcess {
  url: string;
  pid: number;
  /** Peak resident memory so far (VmHWM), in MB. */
  peakRssMb(): Promise<number>;
  stop(): Promise<void>;
}

/** Peak resident set size of a process, from /proc (Linux). */
export async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
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

/** Runs a TypeScript entry point as its own Node process (node --import tsx, so the pid is the server's). */
export async function startNodeService(
  entry: string,
  env: Record<string, string>,
  timeoutMs = 180_000,
): Promise<ServiceProcess> {
  const port = (await freePort()) as number;
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitUntilUp(url, child, timeoutMs);
  return {
    url,
    pid: child.pid!,
    peakRssMb: () => peakRssMb(child.pid!),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Our service (src/server.ts) on a store, with no rate limit, no response cache (unless `responseCacheTtlMs`) and quiet logs. */
export function startDramaService(
  storeEnv: Record<string, string>,
  loaders: 'on' | 'off',
  responseCacheTtlMs = 0,
): Promise<ServiceProcess> {
  return startNodeService('src/server.ts', {
    ...storeEnv,
    DRAMA_LOADERS: loaders,
    SEED_ON_START: 'false',
    RATE_LIMIT_MAX: '0',
    RESPONSE_CACHE_TTL_MS: String(responseCacheTtlMs),
    MAX_COST: '100000000',
    MAX_TOKENS: '100000',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    // No background build of the recommendation profiles competing with ops 1–6; op 7 builds them itself.
    WARM_RECOMMENDATIONS: 'false',
  });
}

/** Store round trips so far, read from the service's Prometheus /metrics. */
export async function roundTripsTotal(graphqlUrl: string): Promise<number> {
  const text = await (await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'))).text();
  return Number(/^store_round_trips_total (\d+(?:\.\d+)?)/m.exec(text)?.[1] ?? NaN);
}
