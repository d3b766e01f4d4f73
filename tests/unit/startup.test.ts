import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenConfigError } from '../../src/auth/token-config.js';
import { ConfigError, loadConfig } from '../../src/config/environment.js';
import { loadPersistedOperations, PersistedOperationsError } from '../../src/config/persisted-operations.js';
import { SeedValidationError } from '../../src/errors.js';
import { loadSeedDirectory } from '../../src/seed/load.js';
import { describeStartupFailure, listen, startingHandler } from '../../src/startup.js';
import { DataDirError, ensureDirectory } from '../../src/store/embedded/data-dir.js';

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

  it('names SEED_DIR when the seed directory cannot be listed: missing, or a file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'seed-dir-'));
    const file = path.join(dir, 'a-file.json');
    writeFileSync(file, '{}');
    try {
      for (const [seedDir, errno] of [
        [path.join(dir, 'missing'), 'ENOENT'],
        [file, 'ENOTDIR'],
      ] as const) {
        const error = await loadSeedDirectory(seedDir).then(
          () => null,
          (e: unknown) => e,
        );
        const failure = describeStartupFailure(error);
        expect(failure).toMatchObject({ cause: 'SEED_DIR_UNREADABLE', env: ['SEED_DIR'], path: seedDir, errno });
        expect(failure.msg).toContain(seedDir);
        noStack(failure);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the data directory, holder and file of a DataDirError', () => {
    const holder = { pid: 42, command: 'node src/server.ts', host: 'h', since: 'then' };
    const failure = describeStartupFailure(
      new DataDirError('DATA_DIR_LOCKED', '/srv/drama.v1', 'in use by pid 42', { holder }),
    );
    expect(failure).toEqual({ cause: 'DATA_DIR_LOCKED', path: '/srv/drama.v1', holder, msg: 'in use by pid 42' });
  });

  it('names the token source and the first seed file at fault', () => {
    expect(describeStartupFailure(new TokenConfigError('DRAMA_TOKENS', ['0.name: bad']))).toMatchObject({
      cause: 'TOKENS_INVALID',
      source: 'DRAMA_TOKENS',
    });
    const seed = describeStartupFailure(
      new SeedValidationError([{ file: 'seeds/x.json', record: '(file)', field: '(json)', message: 'bad' }]),
    );
    expect(seed).toMatchObject({ cause: 'SEED_INVALID', path: 'seeds/x.json' });
    noStack(seed);
  });

  it('reduces anything else to a code, the path if any and a one-line message', () => {
    const error = Object.assign(new Error('EACCES: permission denied, open\n/x'), { code: 'EACCES', path: '/x' });
    const failure = describeStartupFailure(error);
    expect(failure).toEqual({
      cause: 'STARTUP_FAILED',
      path: '/x',
      errno: 'EACCES',
      msg: 'EACCES: permission denied, open; /x',
    });
    expect(describeStartupFailure('a string')).toEqual({ cause: 'STARTUP_FAILED', msg: 'a string' });
    expect(describeStartupFailure(null)).toEqual({ cause: 'STARTUP_FAILED', msg: 'null' });
  });
});

describe('start-up causes an operator can act on', () => {
  it('refuses a NEO4J_URI whose scheme the driver does not speak, naming the variable', () => {
    for (const uri of ['http://127.0.0.1:1', 'https://h', 'localhost:7687', 'neo4j+x://h', ' bolt ://h', 'bolt:/h']) {
      const error = (() => {
        try {
          loadConfig({ NEO4J_URI: uri });
          return null;
        } catch (e) {
          return e;
        }
      })();
      expect(error, uri).toBeInstanceOf(ConfigError);
      expect(describeStartupFailure(error)).toMatchObject({ cause: 'CONFIG_INVALID', env: ['NEO4J_URI'] });
    }
    for (const uri of [
      'neo4j://h:7687',
      'neo4j+s://h',
      'neo4j+ssc://h',
      'bolt://127.0.0.1:7687',
      'bolt+s://h',
      'BOLT+SSC://h',
    ]) {
      expect(loadConfig({ NEO4J_URI: uri, NEO4J_PASSWORD: 'set' }).neo4j?.uri, uri).toBe(uri);
    }
  });

  it('gives refused Neo4j credentials a cause, the variables and the address without any user:password', () => {
    const error = Object.assign(new Error('The client is unauthorized due to authentication failure.'), {
      code: 'Neo.ClientError.Security.Unauthorized',
    });
    const failure = describeStartupFailure(error, { neo4jUri: 'neo4j://admin:s3cret@db.example:7687' });
    expect(failure).toMatchObject({
      cause: 'NEO4J_UNAUTHORIZED',
      env: ['NEO4J_USER', 'NEO4J_PASSWORD'],
      address: 'neo4j://db.example:7687',
    });
    expect(JSON.stringify(failure)).not.toContain('s3cret');
    noStack(failure);
  });

  it('loads the persisted operations with the configuration, a configured file that is missing or invalid failing there', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'drama-persisted-'));
    try {
      const write = (name: string, text: string) => {
        const file = path.join(dir, name);
        writeFileSync(file, text);
        return file;
      };
      const bad = [
        write('cut.json', '{"x":'),
        write('null.json', 'null'),
        write('number.json', '42'),
        write('array.json', '["{ a }"]'),
        write('nested.json', '{"a": {"b": "c"}}'),
        write('unparsable.json', '{"a": "{"}'),
        write('bom.json', '\uFEFF{}'),
        path.join(dir, 'missing.json'),
        dir,
      ];
      for (const file of bad) {
        const attempt = () => loadConfig({ PERSISTED_OPERATIONS_FILE: file });
        expect(attempt, file).toThrow(PersistedOperationsError);
        const error = (() => {
          try {
            attempt();
          } catch (e) {
            return e;
          }
        })();
        const failure = describeStartupFailure(error);
        expect(failure, file).toMatchObject({
          cause: 'PERSISTED_OPERATIONS_INVALID',
          path: file,
          env: ['PERSISTED_OPERATIONS_FILE'],
        });
        expect(failure.msg).toContain(file);
        noStack(failure);
      }
      const good = write('good.json', '{"__proto__": "{ __typename }", "constructor": "query Q { __typename }"}');
      expect([...loadConfig({ PERSISTED_OPERATIONS_FILE: good }).persistedOperations.keys()]).toEqual([
        '__proto__',
        'constructor',
      ]);
      // The default file is optional: missing, it is no operations.
      expect(loadPersistedOperations(path.join(dir, 'missing.json')).size).toBe(0);
      expect(loadConfig({}).persistedOperations.size).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.runIf(existsSync('/proc/self'))(
    'fails to create a DATA_DIR where mkdir answers ENOENT under an existing parent, instead of spinning',
    () => {
      for (const dataDir of ['/proc/rtx', '/proc/rtx/a/b']) {
        let caught: unknown = null;
        try {
          ensureDirectory(dataDir);
        } catch (error) {
          caught = error;
        }
        expect(caught, dataDir).toBeInstanceOf(DataDirError);
        expect(describeStartupFailure(caught)).toMatchObject({ cause: 'DATA_DIR_UNUSABLE', path: dataDir });
      }
    },
  );

  it('still creates nested data directories and accepts an existing one', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'drama-datadir-'));
    try {
      const nested = path.join(dir, 'a', 'b', 'c');
      ensureDirectory(nested);
      ensureDirectory(nested);
      expect(statSync(nested).isDirectory()).toBe(true);
      const file = path.join(dir, 'file');
      writeFileSync(file, 'x');
      expect(() => ensureDirectory(file)).toThrow(DataDirError);
      expect(() => ensureDirectory(path.join(file, 'under'))).toThrow(DataDirError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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

  it('answers GraphQL requests with a coded GraphQL error', async () => {
    const requests: [string, RequestInit][] = [
      [
        '/graphql',
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' },
      ],
      ['/graphql?query=%7B__typename%7D', {}],
      ['/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":' }],
    ];
    for (const [url, init] of requests) {
      const response = await fetch(`${base}${url}`, init);
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await response.json()) as { errors?: { message: string; extensions: { code: string } }[] };
      expect(body.errors).toHaveLength(1);
      expect(body.errors![0]!.extensions.code).toBe('SERVICE_STARTING');
      expect(body.errors![0]!.message).toEqual(expect.any(String));
    }
    expect(await (await fetch(`${base}/ready`)).json()).toEqual({ status: 'starting' });
  });

  it('is alive at /health and 503 everywhere else', async () => {
    for (const url of ['/health', '/health?x=1', '/health?'])
      expect((await fetch(`${base}${url}`)).status, url).toBe(200);
    expect((await fetch(`${base}/healthx`)).status).toBe(503);
    for (const url of ['/health', '/ready?x=1']) {
      const head = await fetch(`${base}${url}`, { method: 'HEAD' });
      expect([head.status, await head.text()], url).toEqual([url === '/health' ? 200 : 503, '']);
      for (const method of ['POST', 'DELETE', 'PUT']) {
        const refused = await fetch(`${base}${url}`, { method });
        expect(refused.status, `${method} ${url}`).toBe(405);
        expect(refused.headers.get('allow')).toBe('GET, HEAD');
        expect(
          ((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code,
        ).toBe('METHOD_NOT_ALLOWED');
      }
    }
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
    expect(describeStartupFailure(error)).toMatchObject({
      cause: 'PORT_IN_USE',
      address: `127.0.0.1:${port}`,
      port,
      errno: 'EADDRINUSE',
    });
  });
});
