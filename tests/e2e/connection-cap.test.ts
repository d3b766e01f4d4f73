import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServerProcess, stopServerProcess } from '../support/server-process.js';

const CAP = 3;

/** A connection that has sent nothing yet. */
function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sends one request on a fresh connection; answers the status line, or 'closed' when the server closed it unanswered. */
function statusOf(port: number): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    const socket = connect(port, '127.0.0.1', () =>
      socket.write('GET /health HTTP/1.1\r\nHost: drama.test\r\nConnection: close\r\n\r\n'),
    );
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(received === '' ? 'closed' : received.split('\r\n')[0]!));
  });
}

describe('MAX_CONNECTIONS: a cap on open connections', () => {
  let root: string;
  let server: RunningServer;
  let port: number;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'drama-graph-connection-cap-'));
    server = await startServerProcess({ DATA_DIR: root, NEO4J_URI: '', MAX_CONNECTIONS: String(CAP) });
    port = Number(new URL(server.url).port);
  }, 90_000);
  afterAll(async () => {
    if (server) await stopServerProcess(server);
    await rm(root, { recursive: true, force: true });
  });

  it('closes new connections while the cap is held, logs it once, and serves again once the idle ones are closed for sending nothing', async () => {
    expect(await statusOf(port)).toBe('HTTP/1.1 200 OK');
    // Connections that never send a byte: Node's own timeouts would keep them open for ever.
    const idle = await Promise.all(Array.from({ length: CAP }, () => open(port)));
    const closedByServer = Promise.all(idle.map((socket) => new Promise((resolve) => socket.once('close', resolve))));
    for (let attempt = 0; attempt < 5; attempt += 1) expect(await statusOf(port)).toBe('closed');
    const warnings = server.logs
      .map((line) => JSON.parse(line) as { msg?: string; port?: string; maxConnections?: number })
      .filter((line) => line.msg?.startsWith('connections refused'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ port: 'PORT', maxConnections: CAP });
    await closedByServer;
    expect(idle.every((socket) => socket.bytesRead === 0)).toBe(true);
    let status = await statusOf(port);
    // The server counts a closed connection out once it has seen the close: a turn or two later.
    for (let tries = 0; status === 'closed' && tries < 50; tries += 1) status = await statusOf(port);
    expect(status).toBe('HTTP/1.1 200 OK');
  }, 90_000);
});
