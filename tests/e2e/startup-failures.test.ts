import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, open as openFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadSeedDirectory } from '../../src/seed/load.js';
import { openEmbeddedStore } from '../../src/store/embedded/index.js';
import { describeInLine, inThisLine } from '../support/lines.js';
import { noise } from '../support/noise.js';
import { type ExitedProcess, runServerUntilExit } from '../support/server-process.js';

type LogLine = Record<string, unknown> & { level: number; msg: string };

/** Exit code not 0, every stdout line is JSON, exactly one error-or-worse line, and no stack anywhere. */
function theOneFailureLine(run: ExitedProcess): LogLine {
  expect(run.signal).toBeNull();
  expect(run.code).not.toBe(0);
  expect(run.code).not.toBeNull();
  const lines = run.stdout.map((line) => JSON.parse(line) as LogLine);
  const failures = lines.filter((line) => line.level >= 50);
  expect(failures, run.stdout.join('\n')).toHaveLength(1);
  expect(`${run.stdout.join('\n')}\n${run.stderr}`).not.toMatch(/^\s+at /m);
  expect(lines.some((line) => line.msg === 'empty store seeded' || line.msg === 'schema migrated')).toBe(false);
  return failures[0]!;
}

function listeningOn(): Promise<Server> {
  const blocker = createServer();
  return new Promise((resolve) => blocker.listen(0, '127.0.0.1', () => resolve(blocker)));
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'drama-graph-startup-'));
  await chmod(root, 0o755);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const embedded = (dataDir: string) => ({ DATA_DIR: dataDir, NEO4J_URI: '' });

describe('a busy port', () => {
  let blocker: Server;
  let port: number;
  beforeAll(async () => {
    blocker = await listeningOn();
    port = (blocker.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  if (inThisLine('embedded'))
    it('[embedded] fails before seeding, naming the address', async () => {
      const dataDir = path.join(root, 'busy-port');
      const line = theOneFailureLine(await runServerUntilExit({ ...embedded(dataDir), PORT: String(port) }));
      expect(line).toMatchObject({ cause: 'PORT_IN_USE', port, host: '127.0.0.1', address: `127.0.0.1:${port}` });
      const store = await openEmbeddedStore({ dataDir });
      try {
        expect(Object.values(await store.counts()).every((n) => n === 0)).toBe(true);
      } finally {
        await store.close();
      }
    }, 90_000);

  const neo4j = inject('neo4j');
  if (inThisLine('neo4j'))
    it.runIf(neo4j !== null)(
      '[neo4j] fails before migrating or seeding, naming the address',
      async () => {
        const env = {
          NEO4J_URI: neo4j!.uri,
          NEO4J_USER: neo4j!.user,
          NEO4J_PASSWORD: neo4j!.password,
          NEO4J_DATABASE: neo4j!.database,
        };
        const line = theOneFailureLine(await runServerUntilExit({ ...env, PORT: String(port) }));
        expect(line).toMatchObject({ cause: 'PORT_IN_USE', port, address: `127.0.0.1:${port}` });
      },
      90_000,
    );
});

describeInLine('embedded', 'a DATA_DIR that cannot be used', () => {
  it('is a file', async () => {
    const file = path.join(root, 'a-file');
    await writeFile(file, 'not a directory');
    const line = theOneFailureLine(await runServerUntilExit(embedded(file)));
    expect(line).toMatchObject({ cause: 'DATA_DIR_NOT_A_DIRECTORY', path: file });
    expect(line.msg).toContain(file);
  }, 90_000);

  it('is under a file', async () => {
    const file = path.join(root, 'another-file');
    await writeFile(file, '');
    const line = theOneFailureLine(await runServerUntilExit(embedded(path.join(file, 'data'))));
    expect(line).toMatchObject({ cause: 'DATA_DIR_NOT_A_DIRECTORY', path: path.join(file, 'data') });
  }, 90_000);

  it('is not writable by the server', async () => {
    const dataDir = path.join(root, 'read-only');
    await mkdir(dataDir, { mode: 0o755 });
    // root writes anywhere: then run the server as nobody, who may read the project but not write here.
    const asRoot = process.getuid?.() === 0;
    if (!asRoot) await chmod(dataDir, 0o555);
    const run = await runServerUntilExit(embedded(dataDir), asRoot ? { uid: 65534, gid: 65534 } : {});
    const line = theOneFailureLine(run);
    expect(line).toMatchObject({ cause: 'DATA_DIR_NOT_WRITABLE', path: dataDir });
    expect(line.msg).toContain(dataDir);
  }, 90_000);
});

describeInLine('embedded', 'a DATA_DIR where mkdir answers ENOENT under an existing parent', () => {
  it.runIf(existsSync('/proc/self'))(
    '(/proc/…) fails with one line instead of spinning forever',
    async () => {
      const line = theOneFailureLine(await runServerUntilExit(embedded('/proc/rtx/data')));
      expect(line).toMatchObject({ cause: 'DATA_DIR_UNUSABLE', path: '/proc/rtx/data' });
      expect(line.msg).toContain('/proc/rtx/data');
    },
    90_000,
  );
});

describeInLine('embedded', 'a damaged data.mdb', () => {
  let healthy: string;
  beforeAll(async () => {
    healthy = path.join(root, 'healthy');
    const store = await openEmbeddedStore({ dataDir: healthy });
    await store.importDocument(await loadSeedDirectory(path.resolve(import.meta.dirname, '../../seeds')));
    await store.close();
  });

  async function damaged(name: string, damage: (file: string, size: number) => Promise<void>): Promise<string> {
    const dataDir = path.join(root, name);
    await mkdir(dataDir);
    const file = path.join(dataDir, 'data.mdb');
    await copyFile(path.join(healthy, 'data.mdb'), file);
    await damage(file, (await stat(file)).size);
    return dataDir;
  }

  const cases: [string, (file: string, size: number) => Promise<void>][] = [
    ['garbage over the meta pages', (file) => overwrite(file, 0, noise(8192, 1))],
    ['cut short', (file, size) => truncate(file, Math.floor(size / 2))],
    ['emptied to 0 bytes', (file) => truncate(file, 0)],
    ['garbage over the tree pages', (file, size) => overwrite(file, 3 * 4096, noise(size - 3 * 4096, 2))],
  ];

  it.each(cases)(
    '%s: refused with one log line naming the file',
    async (name, damage) => {
      const dataDir = await damaged(name.replace(/\W+/g, '-'), damage);
      const line = theOneFailureLine(await runServerUntilExit(embedded(dataDir)));
      expect(line).toMatchObject({ cause: 'DATA_DIR_CORRUPTED', path: path.join(dataDir, 'data.mdb') });
    },
    90_000,
  );
});

async function overwrite(file: string, at: number, bytes: Buffer): Promise<void> {
  const handle = await openFile(file, 'r+');
  try {
    await handle.write(bytes, 0, bytes.length, at);
  } finally {
    await handle.close();
  }
}

describeInLine('embedded', 'invalid settings', () => {
  it('names each variable at fault', async () => {
    const line = theOneFailureLine(
      await runServerUntilExit({ ...embedded(path.join(root, 'config')), PORT: 'eighty', LOG_LEVEL: 'loud' }),
    );
    expect(line).toMatchObject({ cause: 'CONFIG_INVALID' });
    expect(line.env).toEqual(expect.arrayContaining(['PORT', 'LOG_LEVEL']));
  }, 90_000);

  it('names the token source at fault', async () => {
    const line = theOneFailureLine(
      await runServerUntilExit({ ...embedded(path.join(root, 'tokens')), DRAMA_TOKENS: '{"__proto__": {"name": 1}}' }),
    );
    expect(line).toMatchObject({ cause: 'TOKENS_INVALID', source: 'DRAMA_TOKENS' });
  }, 90_000);

  it('names WEBHOOKS_FILE and its problem: a URL that is not http(s)', async () => {
    const file = path.join(root, 'webhooks.json');
    await writeFile(
      file,
      JSON.stringify({ endpoints: [{ id: 'wiki', url: 'ftp://wiki.test/hook', secret: 'sixteen-chars-or-more' }] }),
    );
    const line = theOneFailureLine(
      await runServerUntilExit({ ...embedded(path.join(root, 'hooks')), WEBHOOKS_FILE: file }),
    );
    expect(line).toMatchObject({ cause: 'WEBHOOKS_INVALID', path: file, env: ['WEBHOOKS_FILE'] });
    expect(line.msg).toMatch(/endpoints\.0\.url: must be an absolute http:\/\/ or https:\/\/ URL/);
  }, 90_000);

  it('refuses a NEO4J_URI of an unknown scheme before connecting', async () => {
    for (const uri of ['http://127.0.0.1:1', 'ftp://x', 'neo4j+x://h:7687', '127.0.0.1:7687']) {
      const line = theOneFailureLine(await runServerUntilExit({ NEO4J_URI: uri }));
      expect(line, uri).toMatchObject({ cause: 'CONFIG_INVALID', env: ['NEO4J_URI'] });
    }
  }, 180_000);
});

describeInLine('embedded', 'a NEO4J_URI without NEO4J_PASSWORD', () => {
  it('stops the start before connecting, naming NEO4J_PASSWORD: there is no default password', async () => {
    // Port 1 on loopback: nothing listens there, so only the configuration can explain the failure.
    for (const password of ['', '   ']) {
      const env = { NEO4J_URI: 'neo4j://127.0.0.1:1', NEO4J_PASSWORD: password };
      const line = theOneFailureLine(await runServerUntilExit(env));
      expect(line).toMatchObject({ cause: 'CONFIG_INVALID', env: ['NEO4J_PASSWORD'] });
      expect(line.msg).toContain('NEO4J_PASSWORD: must be set when NEO4J_URI is set');
    }
  }, 180_000);
});

describeInLine('embedded', 'a PERSISTED_OPERATIONS_FILE that cannot be used', () => {
  const cases: [string, string | null, RegExp][] = [
    ['truncated JSON', '{"x":', /not valid JSON/],
    ['a JSON array', '["{ a }"]', /not a JSON object/],
    ['a document that is not a string', '{"abc": {"__proto__": 1}}', /not a JSON object/],
    ['a document that does not parse', '{"abc": "{ unclosed"}', /does not parse/],
    ['a missing file', null, /does not exist/],
  ];

  it.each(cases)(
    '%s: one fatal line naming the file, before the store is opened',
    async (name, content, reason) => {
      const file = path.join(root, `persisted-${name.replace(/\W+/g, '-')}.json`);
      if (content !== null) await writeFile(file, content);
      const dataDir = path.join(root, `persisted-data-${name.replace(/\W+/g, '-')}`);
      const line = theOneFailureLine(
        await runServerUntilExit({ ...embedded(dataDir), PERSISTED_OPERATIONS_FILE: file }),
      );
      expect(line).toMatchObject({
        cause: 'PERSISTED_OPERATIONS_INVALID',
        path: file,
        env: ['PERSISTED_OPERATIONS_FILE'],
      });
      expect(line.msg).toMatch(reason);
      expect(line.msg).toContain(file);
      expect(existsSync(dataDir)).toBe(false);
    },
    90_000,
  );
});

describeInLine('neo4j', 'Neo4j credentials that are refused', () => {
  const neo4j = inject('neo4j');
  it.runIf(neo4j !== null)(
    'name the address and the variables at fault',
    async () => {
      const env = {
        NEO4J_URI: neo4j!.uri,
        NEO4J_USER: neo4j!.user,
        NEO4J_PASSWORD: `${neo4j!.password}-wrong`,
        NEO4J_DATABASE: neo4j!.database,
      };
      const line = theOneFailureLine(await runServerUntilExit(env));
      expect(line).toMatchObject({
        cause: 'NEO4J_UNAUTHORIZED',
        env: ['NEO4J_USER', 'NEO4J_PASSWORD'],
        address: neo4j!.uri.replace(/\/$/, ''),
      });
      expect(JSON.stringify(line)).not.toContain(`${neo4j!.password}-wrong`);
    },
    90_000,
  );
});
