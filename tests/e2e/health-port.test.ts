import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningServer,
  runServerUntilExit,
  startServerProcess,
  stopServerProcess,
} from '../support/server-process.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request on a connection of its own, with the path sent exactly as written (fetch would normalise it). */
function ask(port: number, method: string, target: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest({ host: '127.0.0.1', port, method, path: target, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    sent.on('error', reject);
    sent.end();
  });
}

const portOf = (url: string) => Number(new URL(url).port);

describe('HEALTH_PORT: a second port for probes only', () => {
  let root: string;
  let server: RunningServer;
  let main: number;
  let probes: number;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'drama-graph-health-port-'));
    server = await startServerProcess({ DATA_DIR: root, NEO4J_URI: '', HEALTH_PORT: '0' });
    main = portOf(server.url);
    const listening = server.logs.map((line) => JSON.parse(line) as { healthUrl?: string }).find((l) => l.healthUrl);
    probes = portOf(listening!.healthUrl!);
  }, 90_000);
  afterAll(async () => {
    if (server) await stopServerProcess(server);
    await rm(root, { recursive: true, force: true });
  });

  it('answers /health and /ready, GET and HEAD, as the main port does', async () => {
    expect(probes).not.toBe(main);
    for (const target of ['/health', '/ready', '/ready?probe=1']) {
      const [own, onMain] = [await ask(probes, 'GET', target), await ask(main, 'GET', target)];
      expect(own.status, target).toBe(200);
      expect(own.body, target).toBe(onMain.body);
      const head = await ask(probes, 'HEAD', target);
      expect([head.status, head.body], target).toEqual([200, '']);
    }
    expect(JSON.parse((await ask(probes, 'GET', '/ready')).body)).toEqual({ status: 'ready' });
  });

  it('answers a target that is not a path (*, graphql, a bad absolute form) with a coded 400 and no stack (red team 71)', async () => {
    for (const [method, target] of [
      ['GET', '*'],
      ['OPTIONS', '*'],
      ['GET', 'graphql'],
      ['GET', 'http://[::1/graphql'],
    ]) {
      const answer = await ask(main, method!, target!);
      expect(answer.status, `${method} ${target}`).toBe(400);
      expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('BAD_REQUEST');
      expect(answer.body).not.toMatch(/\bat |node_modules|TypeError/);
    }
  });

  it('answers /health with any query string and in absolute form, on both ports, and no other path ending in /health', async () => {
    for (const port of [probes, main]) {
      for (const target of ['/health', '/health?', '/health?x=1', '/./health', `http://127.0.0.1:${port}/health`]) {
        const answer = await ask(port, 'GET', target);
        expect([answer.status, answer.body], `${port} ${target}`).toEqual([200, '{"status":"alive"}']);
        expect(answer.headers['cache-control']).toBe('no-store');
      }
      for (const target of ['/x/health', '/healthz', '/health/x']) {
        const answer = await ask(port, 'GET', target);
        expect(answer.status, `${port} ${target}`).toBe(404);
      }
    }
    for (const port of [probes, main]) {
      for (const target of ['/ready?x=1', `http://127.0.0.1:${port}/ready`]) {
        const answer = await ask(port, 'GET', target);
        expect([answer.status, JSON.parse(answer.body)], `${port} ${target}`).toEqual([200, { status: 'ready' }]);
        expect(answer.headers['cache-control']).toBe('no-store');
      }
      for (const target of ['/x/ready', '/graphql/ready', '/nope?/ready']) {
        expect((await ask(port, 'GET', target)).status, `${port} ${target}`).toBe(404);
      }
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
        for (const target of ['/health', '/ready']) {
          const answer = await ask(port, method, target);
          expect(answer.status, `${port} ${method} ${target}`).toBe(405);
          expect(answer.headers.allow).toBe('GET, HEAD');
        }
      }
    }
    for (const target of [
      '/graphql?query=%7B__typename%7D&x=/health',
      '/graphql?query=%7B__typename%7D&x=/ready',
      `http://127.0.0.1:${main}/graphql?query=%7B__typename%7D`,
    ]) {
      const graphql = await ask(main, 'GET', target);
      expect(JSON.parse(graphql.body), target).toEqual({ data: { __typename: 'Query' } });
    }
  });

  it('serves nothing else: 404 for other paths, 405 for other methods, coded and without a stack', async () => {
    for (const target of [
      '/graphql',
      '/graphql?query=%7B__typename%7D',
      '/metrics',
      '/health/',
      '/HEALTH',
      '/health/../graphql',
      '/%2e%2e/graphql',
      '//health',
      '/',
      '*',
    ]) {
      const answer = await ask(probes, 'GET', target);
      expect(answer.status, target).toBe(404);
      expect(JSON.parse(answer.body).errors[0].extensions.code, target).toBe('NOT_FOUND');
    }
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
      const answer = await ask(probes, method, '/health');
      expect(answer.status, method).toBe(405);
      expect(answer.headers.allow).toBe('GET, HEAD');
      expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('METHOD_NOT_ALLOWED');
      expect(answer.body).not.toMatch(/\bat \//);
    }
    expect((await ask(main, 'GET', '/health')).status).toBe(200);
  });

  it('keeps probes reachable when one address floods it: 8 connections per address, idle ones closed after 2 s', async () => {
    const idleFrom = (localAddress: string) =>
      new Promise<Socket>((resolve, reject) => {
        const socket = connect({ port: probes, host: '127.0.0.1', localAddress }, () => resolve(socket));
        socket.once('error', reject);
      });
    /** GET /health from `localAddress` on a new connection: the status, or 'closed' when closed unanswered. */
    const probeFrom = (localAddress: string) =>
      new Promise<string>((resolve) => {
        let received = '';
        const socket = connect({ port: probes, host: '127.0.0.1', localAddress }, () =>
          socket.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
        );
        socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
        socket.on('error', () => undefined);
        socket.on('close', () => resolve(received === '' ? 'closed' : received.split('\r\n')[0]!));
      });
    const flood = await Promise.all(Array.from({ length: 8 }, () => idleFrom('127.0.0.3')));
    const closed = Promise.all(flood.map((socket) => new Promise((resolve) => socket.once('close', resolve))));
    expect(await probeFrom('127.0.0.3')).toBe('closed');
    expect(await probeFrom('127.0.0.1')).toMatch(/^HTTP\/1\.1 200/);
    await closed;
    let again = await probeFrom('127.0.0.3');
    for (let tries = 0; again === 'closed' && tries < 50; tries += 1) again = await probeFrom('127.0.0.3');
    expect(again).toMatch(/^HTTP\/1\.1 200/);
  });

  it('stops with SIGTERM like the main port, and no longer accepts probes', async () => {
    expect(await stopServerProcess(server)).toBe(0);
    await expect(ask(probes, 'GET', '/health')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('a HEALTH_PORT that is taken', () => {
  let blocker: Server;
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'drama-graph-health-busy-'));
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    await rm(root, { recursive: true, force: true });
  });

  it('stops the start before seeding, naming the port, with one log line and no stack', async () => {
    const port = (blocker.address() as { port: number }).port;
    const run = await runServerUntilExit({ DATA_DIR: root, NEO4J_URI: '', HEALTH_PORT: String(port) });
    expect(run.code).not.toBe(0);
    const lines = run.stdout.map((line) => JSON.parse(line) as { level: number; msg: string });
    const failures = lines.filter((line) => line.level >= 50);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ cause: 'PORT_IN_USE', port, address: `127.0.0.1:${port}` });
    expect(lines.some((line) => line.msg === 'empty store seeded')).toBe(false);
    expect(`${run.stdout.join('\n')}\n${run.stderr}`).not.toMatch(/^\s+at /m);
  }, 90_000);
});
