import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenConfigError } from '../../src/auth/token-config.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { SeedValidationError } from '../../src/errors.js';
import { describeStartupFailure, listen, startingHandler } from '../../src/ops/startup.js';
import { DataDirError } from '../../src/store/embedded/data-dir.js';

const noStack = (failure: Record<string, unknown>) => expect(JSON.stringify(failure)).not.toMatch(/\n|\s{4}at /);

describe('describeStartupFailure', () => {
  it('names every invalid variable, hostile values included, on one line', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: '-1', LOG_LEVEL: '__proto__', SEED_ON_START: 'x'.repeat(100_000) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const failure = describeStartupFailure(error);
    expect(failure).toMatchObject({ cause: 'CONFIG_INVALID' });
    expect(failure.env).toEqual(expect.arrayContaining(['PORT', 'LOG_LEVEL', 'SEED_ON_START']));
    noStack(failure);
  });

  it('keeps the data directory, holder and file of a DataDirError', () => {
    const holder = { pid: 42, command: 'node src/server.ts', host: 'h', since: 'then' };
    const failure = describeStartupFailure(new DataDirError('DATA_DIR_LOCKED', '/srv/drama.v1', 'in use by pid 42', { holder }));
    expect(failure).toEqual({ cause: 'DATA_DIR_LOCKED', path: '/srv/drama.v1', holder, msg: 'in use by pid 42' });
  });

  it('names the token source and the first seed file at fault', () => {
    expect(describeStartupFailure(new TokenConfigError('DRAMA_TOKENS', ['0.name: bad']))).toMatchObject({ cause: 'TOKENS_INVALID', source: 'DRAMA_TOKENS' });
    const seed = describeStartupFailure(new SeedValidationError([{ file: 'seeds/x.json', record: '(file)', field: '(json)', message: 'bad' }]));
    expect(seed).toMatchObject({ cause: 'SEED_INVALID', path: 'seeds/x.json' });
    noStack(seed);
  });

  it('reduces anything else to a code, the path if any and a one-line message', () => {
    const error = Object.assign(new Error('EACCES: permission denied, open\n/x'), { code: 'EACCES', path: '/x' });
    const failure = describeStartupFailure(error);
    expect(failure).toEqual({ cause: 'STARTUP_FAILED', path: '/x', errno: 'EACCES', msg: 'EACCES: permission denied, open; /x' });
    expect(describeStartupFailure('a string')).toEqual({ cause: 'STARTUP_FAILED', msg: 'a string' });
    expect(describeStartupFailure(null)).toEqual({ cause: 'STARTUP_FAILED', msg: 'null' });
  });
});

describe('before the store is ready', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer(startingHandler);
    await listen(server, 0, '127.0.0.1');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is alive at /health and 503 everywhere else', async () => {
    expect((await fetch(`${base}/health`)).status).toBe(200);
    for (const url of ['/ready', '/graphql', '/graphql?query=%7B__typename%7D', '/healthz', '/metrics']) {
      const response = await fetch(`${base}${url}`);
      expect(response.status, url).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
    }
  });

  it('rejects with a ListenError naming the address when the port is taken', async () => {
    const port = (server.address() as AddressInfo).port;
    const error = await listen(createServer(), port, '127.0.0.1').then(
      () => null,
      (e: unknown) => e,
    );
    expect(describeStartupFailure(error)).toMatchObject({ cause: 'PORT_IN_USE', address: `127.0.0.1:${port}`, port, errno: 'EADDRINUSE' });
  });
});
