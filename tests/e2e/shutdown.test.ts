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

it('on SIGTERM ends open event streams at once and exits 0, long before SHUTDOWN_TIMEOUT_MS', async () => {
  const server = await startServerProcess({ DATA_DIR: dataDir, NEO4J_URI: '', SHUTDOWN_TIMEOUT_MS: '60000' });
  const query = encodeURIComponent('subscription { changes { operation type key } }');
  const response = await fetch(`${server.url}?query=${query}`, { headers: { accept: 'text/event-stream' } });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let received = decoder.decode((await reader.read()).value);
  const exited = stopServerProcess(server, 'SIGTERM');
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    received += decoder.decode(chunk.value);
  }
  expect(received).toContain('event: complete');
  // The drain's deadline exits 1; 0 means every stream ended and the store closed before it.
  expect(await exited).toBe(0);
  expect(server.logs.join('\n')).toContain('"msg":"stopped"');
}, 120_000);
