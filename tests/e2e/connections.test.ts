import { mkdtemp, rm } from 'node:fs/promises';
import { type ClientRequest, request as httpRequest } from 'node:http';
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

  const closes = (sockets: Socket[]) =>
    Promise.all(sockets.map((socket) => new Promise((resolve) => socket.once('close', resolve))));
  const warnings = () =>
    server.logs
      .map((line) => JSON.parse(line) as { msg?: string; port?: string; maxConnections?: number; why?: string })
      .filter((line) => line.msg?.startsWith('connections closed'));

  it('at the cap, lets a new connection take the place of the one idle longest, and logs it', async () => {
    // Connections that never send a byte: they held the cap for good before.
    const idle: Socket[] = [];
    for (let i = 0; i < CAP; i += 1) idle.push(await open(port));
    const evicted = closes([idle[0]!]);
    const reset = new Promise<string | undefined>((resolve) =>
      idle[0]!
        .once('error', (error: NodeJS.ErrnoException) => resolve(error.code))
        .once('close', () => resolve(undefined)),
    );
    expect(await statusOf(port)).toBe('HTTP/1.1 200 OK');
    await evicted;
    // Reset rather than closed, so the kernel keeps nothing the client did not read.
    expect(await reset).toBe('ECONNRESET');
    expect(idle[0]!.bytesRead).toBe(0);
    for (const socket of idle) socket.destroy();
    expect(warnings()[0]).toMatchObject({ port: 'PORT', maxConnections: CAP, why: 'idle longest' });
  });

  /** A POST whose body is still on its way, known to have reached the server through 100 Continue. */
  const slowBody = async (body: string) => {
    const socket = await open(port);
    let received = '';
    const continued = new Promise<void>((resolve) =>
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString();
        if (received.startsWith('HTTP/1.1 100')) resolve();
      }),
    );
    socket.write(
      `POST /graphql HTTP/1.1\r\nHost: x\r\nConnection: close\r\nExpect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
    );
    await continued;
    return { socket, answer: () => received };
  };

  it('takes a connection whose body is still arriving only after idle ones, the one arriving longest first', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const first = await slowBody(body);
    const idle = await open(port);
    const second = await slowBody(body);
    const idleClosed = closes([idle]);
    expect(await statusOf(port)).toBe('HTTP/1.1 200 OK');
    await idleClosed;
    const third = await slowBody(body);
    const firstClosed = closes([first.socket]);
    expect(await statusOf(port)).toBe('HTTP/1.1 200 OK');
    await firstClosed;
    expect([second.socket.destroyed, third.socket.destroyed]).toEqual([false, false]);
    const done = closes([second.socket, third.socket]);
    for (const { socket } of [second, third]) socket.write(body.slice(5));
    await done;
    for (const { answer } of [second, third]) expect(answer()).toContain('{"data":{"__typename":"Query"}}');
    expect(warnings().length).toBeGreaterThan(0);
  });

  it('closes its side when a client leaves in the middle of a body, so the connection is not held for ever', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const leaving = await slowBody(body);
    const gone = closes([leaving.socket]);
    leaving.socket.end();
    await gone;
    for (let i = 0; i < CAP; i += 1) {
      const again = await slowBody(body);
      const left = closes([again.socket]);
      again.socket.end();
      await left;
    }
    expect(await statusOf(port)).toBe('HTTP/1.1 200 OK');
  });

  it('closes a connection that sends no request within 20 s, which Node itself never does', async () => {
    const silent = await open(port);
    await closes([silent]);
    expect(silent.bytesRead).toBe(0);
  }, 90_000);

  it('lets event streams hold at most half of the connections, so plain requests still get in', async () => {
    const streams: ClientRequest[] = [];
    const stream = () =>
      new Promise<number>((resolve, reject) => {
        const request = httpRequest(
          {
            host: '127.0.0.1',
            port,
            path: `/graphql?query=${encodeURIComponent('subscription { changes { __typename } }')}`,
            headers: { accept: 'text/event-stream' },
            agent: false,
          },
          (response) => {
            resolve(response.statusCode!);
            if (response.statusCode !== 200) response.resume();
          },
        );
        request.on('error', reject);
        request.end();
        streams.push(request);
      });
    try {
      // MAX_CONNECTIONS is 3: one stream may stay open.
      expect(await stream()).toBe(200);
      expect(await stream()).toBe(503);
      for (let attempt = 0; attempt < 3; attempt += 1) expect(await statusOf(port)).toBe('HTTP/1.1 200 OK');
    } finally {
      for (const request of streams) request.destroy();
    }
  });

  it('answers what Node cannot parse as HTTP with a coded JSON error, and closes the connection', async () => {
    const raw = (bytes: Buffer) =>
      new Promise<string>((resolve) => {
        let received = '';
        const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
        socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
        socket.on('error', () => undefined);
        socket.on('close', () => resolve(received));
      });
    const cases: [string, Buffer, number, string][] = [
      ['garbage', Buffer.from('GARBAGE\r\n\r\n'), 400, 'BAD_REQUEST'],
      [
        'raw bytes in the target',
        Buffer.concat([
          Buffer.from('GET /graphql?x='),
          Buffer.from([0xff, 0xc3, 0xa9]),
          Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n'),
        ]),
        400,
        'BAD_REQUEST',
      ],
      [
        'a bad Content-Length',
        Buffer.from('POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n'),
        400,
        'BAD_REQUEST',
      ],
      [
        'headers over 16 KB',
        Buffer.from(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
        431,
        'REQUEST_HEADER_FIELDS_TOO_LARGE',
      ],
    ];
    for (const [what, bytes, status, code] of cases) {
      const answer = await raw(bytes);
      const [head, body] = answer.split('\r\n\r\n');
      expect(head!.split('\r\n')[0], what).toMatch(new RegExp(`^HTTP/1\\.1 ${status} \\w`));
      expect(head!.toLowerCase(), what).toContain('content-type: application/json');
      expect(JSON.parse(body!).errors[0].extensions.code, what).toBe(code);
    }
    // A request pipelined before the bad one gets its own answer first.
    const pipelined = await raw(Buffer.from('GET /health HTTP/1.1\r\nHost: x\r\n\r\nBLAH BLAH\r\n\r\n'));
    expect(pipelined.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 400']);
    expect(pipelined).toContain('its method is not an HTTP method');
    expect(await statusOf(port)).toBe('HTTP/1.1 200 OK');
  });
});
