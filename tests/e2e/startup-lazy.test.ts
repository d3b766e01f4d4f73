import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServerProcess, stopServerProcess } from '../support/server-process.js';

/*
 * What /ready does not need is not loaded before it (issue 14's start-up): GraphiQL's 9 MB page, the Neo4j
 * driver (on the embedded store) and esbuild (the widget's bundler) load on first use. A module hook in
 * the server process names every one of them as it is resolved.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const WATCHED = /node_modules\/(@graphql-yoga\/render-graphiql|neo4j-driver|esbuild)\//;

const REGISTER = `import { register } from 'node:module';
register(new URL('./hooks.mjs', import.meta.url));
`;
const HOOKS = `import { writeSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (${WATCHED.toString()}.test(resolved.url)) writeSync(2, 'LAZY-LOADED ' + resolved.url + '\\n');
  return resolved;
}
`;

let dir: string;
let server: RunningServer | undefined;

// Stdout comes as lines without their newline, stderr as chunks: joined with one, each is on a line of its own.
const loaded = (logs: string[]): string[] =>
  logs
    .join('\n')
    .split('\n')
    .filter((line) => line.startsWith('LAZY-LOADED '))
    .map((line) => line.slice('LAZY-LOADED '.length));

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'startup-lazy-'));
  await writeFile(path.join(dir, 'register.mjs'), REGISTER);
  await writeFile(path.join(dir, 'hooks.mjs'), HOOKS);
}, 300_000);

afterAll(async () => {
  if (server) await stopServerProcess(server);
  await rm(dir, { recursive: true, force: true });
});

describe('start-up of the shipped service on the embedded store', () => {
  it('answers /ready without GraphiQL, the Neo4j driver or esbuild, and loads each on first use', async () => {
    server = await startServerProcess(
      {
        DATA_DIR: path.join(dir, 'data'),
        NEO4J_URI: '',
        SEED_ON_START: 'false',
        GRAPHIQL: 'true',
        WARM_RECOMMENDATIONS: 'false',
      },
      120_000,
      { cwd: ROOT, args: ['--import', path.join(dir, 'register.mjs'), 'dist/src/server.js'] },
    );
    const base = server.url.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    expect(loaded(server.logs)).toEqual([]);

    const page = await fetch(server.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Drama knowledge graph');
    const widget = await fetch(`${base}/widget.js`);
    expect(widget.status).toBe(200);
    expect((await widget.text()).length).toBeGreaterThan(1_000);

    const after = loaded(server.logs);
    expect(after.some((url) => url.includes('/@graphql-yoga/render-graphiql/'))).toBe(true);
    expect(after.some((url) => url.includes('/esbuild/'))).toBe(true);
    expect(after.some((url) => url.includes('/neo4j-driver/'))).toBe(false);
  }, 180_000);
});
