import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServerProcess, stopServerProcess } from '../support/server-process.js';

const BODY = JSON.stringify({ query: '{ series(slug: "soundtrack-1") { title } }' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'drama-graph-shutdown-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

/** Starts a POST whose body arrives in two halves; the returned function sends the second half. */
function slowPost(url: string): { finish: () => void; response: Promise<{ status: number; body: string }> } {
  let finish = () => {};
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.write(BODY.slice(0, 10));
    finish = () => req.end(BODY.slice(10));
  });
  return { finish, response };
}

it('on SIGTERM stops accepting, finishes the request in flight, closes the store and exits 0', async () => {
  const server = await startServerProcess({ DATA_DIR: dataDir, NEO4J_URI: '' });
  const inFlight = slowPost(server.url);
  await sleep(300);
  const exited = stopServerProcess(server, 'SIGTERM');
  await sleep(300);
  await expect(
    fetch(server.url, { method: 'POST', body: BODY, headers: { 'content-type': 'application/json' } }),
  ).rejects.toThrow();
  inFlight.finish();
  const answered = await inFlight.response;
  expect(answered.status).toBe(200);
  expect(JSON.parse(answered.body)).toEqual({ data: { series: { title: 'Soundtrack #1' } } });
  expect(await exited).toBe(0);
  expect(server.logs.join('\n')).toContain('"msg":"stopped"');
});
