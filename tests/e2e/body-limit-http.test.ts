import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServerProcess, stopServerProcess } from '../support/server-process.js';

const LIMIT = 2000;

/** Writes raw bytes to the server and reads everything it sends until it closes the connection. */
function exchange(url: string, head: string, ...bodyParts: string[]): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(received).toString('latin1')));
    socket.write(head);
    for (const part of bodyParts) socket.write(part);
  });
}

const statuses = (raw: string) => [...raw.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1]));
const query = (padding: number) => JSON.stringify({ query: `{ series(slug: "${'x'.repeat(padding)}") { title } }` });
const headOf = (extra: string) =>
  `POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nConnection: close\r\n${extra}\r\n`;

describe('the request body limit over real HTTP (MAX_BODY_BYTES)', () => {
  let dataDir: string;
  let server: RunningServer;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'drama-graph-body-'));
    server = await startServerProcess({ DATA_DIR: dataDir, NEO4J_URI: '', MAX_BODY_BYTES: String(LIMIT) });
  });
  afterAll(async () => {
    await stopServerProcess(server);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers a body within the limit', async () => {
    const body = JSON.stringify({ query: '{ series(slug: "soundtrack-1") { title } }' });
    const raw = await exchange(server.url, headOf(`Content-Length: ${Buffer.byteLength(body)}\r\n`), body);
    expect(statuses(raw)).toEqual([200]);
    expect(raw).toContain('"title":"Soundtrack #1"');
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a declared length over the limit', async () => {
    const body = query(LIMIT);
    const raw = await exchange(server.url, headOf(`Content-Length: ${Buffer.byteLength(body)}\r\n`), body);
    expect(statuses(raw)).toEqual([413]);
    expect(raw).toContain('"code":"PAYLOAD_TOO_LARGE"');
  });

  it('answers 413 for a chunked body that passes the limit', async () => {
    const body = query(LIMIT);
    const chunks = [body.slice(0, 1500), body.slice(1500)].map((c) => `${c.length.toString(16)}\r\n${c}\r\n`);
    const raw = await exchange(server.url, headOf('Transfer-Encoding: chunked\r\n'), ...chunks, '0\r\n\r\n');
    expect(statuses(raw)).toEqual([413]);
    expect(raw).toContain('"code":"PAYLOAD_TOO_LARGE"');
  });

  it('reads no more than a declared length that understates the body, and never answers from the rest', async () => {
    // The rest is short enough to arrive with the head: the server reads it all, so closing sends no reset (with
    // 50,000 bytes still arriving, a busy client could get ECONNRESET before reading the answer).
    const body = `${JSON.stringify({ query: '{ series(slug: "soundtrack-1") { title } }' })}${' '.repeat(100)}`;
    const raw = await exchange(server.url, headOf('Content-Length: 20\r\n'), body);
    expect(statuses(raw)[0]).toBe(400);
    expect(raw).not.toContain('Soundtrack #1');
  });

  it.each([
    ['not a number', 'Content-Length: 12abc\r\n'],
    ['two lengths', 'Content-Length: 5\r\nContent-Length: 7\r\n'],
    ['both a length and chunked', 'Content-Length: 5\r\nTransfer-Encoding: chunked\r\n'],
  ])('refuses %s with 400 before any body is read', async (_name, extra) => {
    const raw = await exchange(server.url, headOf(extra), '{"query":"{ __typename }"}');
    expect(statuses(raw)).toEqual([400]);
    expect(raw).not.toContain('__typename":"Query"');
  });

  it("takes a malformed or abandoned chunked body as the client's fault: 400 or a closed connection, never a 500 or a logged error", async () => {
    const malformed = await exchange(server.url, headOf('Transfer-Encoding: chunked\r\n'), 'zz\r\n{}\r\n0\r\n\r\n');
    expect(statuses(malformed).every((status) => status === 400)).toBe(true);
    const abandoned = await new Promise<string>((resolve, reject) => {
      const { hostname, port } = new URL(server.url);
      const socket = connect(Number(port), hostname);
      const received: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => received.push(chunk));
      socket.on('error', reject);
      socket.on('close', () => resolve(Buffer.concat(received).toString('latin1')));
      socket.write(headOf('Transfer-Encoding: chunked\r\n'));
      // Half of a chunk, then the client goes away.
      socket.write('40\r\n{"query":', () => socket.end());
    });
    expect(statuses(abandoned).every((status) => status === 400)).toBe(true);
    // The server is still whole, and logged neither as its own error.
    const body = JSON.stringify({ query: '{ series(slug: "soundtrack-1") { title } }' });
    const after = await exchange(server.url, headOf(`Content-Length: ${Buffer.byteLength(body)}\r\n`), body);
    expect(after).toContain('"title":"Soundtrack #1"');
    expect(server.logs.join('\n')).not.toMatch(/unexpected error|"level":50|INTERNAL_SERVER_ERROR/);
  });
});
