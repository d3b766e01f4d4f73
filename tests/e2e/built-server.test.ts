import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  postQuery,
  runUntilExit,
  type ServerCommand,
  startServerProcess,
  stopServerProcess,
} from '../support/server-process.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TITLE = '{ series(slug: "soundtrack-1") { title } }';
const CONFESSIONS = '{ events(filter: { series: "soundtrack-1", kinds: [CONFESSION] }) { totalCount } }';

/** The runtime stage of the Dockerfile: the files it copies (besides the build's dist/) and the command it runs. */
function runtimeStage() {
  const stage = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')
    .split(/^FROM /m)
    .at(-1)!;
  const copies = [...stage.matchAll(/^COPY (?!--)(.+)$/gm)].map((match) => match[1]!.trim().split(/\s+/));
  const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(stage)![1]!) as string[];
  return { copies, cmd, copiesDist: /^COPY --from=build \/app\/dist \.\/dist$/m.test(stage) };
}

/** Lays the runtime stage out in `app`: its COPY lines, dist/ compiled here, node_modules standing in for `npm ci --omit=dev`. */
async function layOut(app: string, copies: string[][]) {
  for (const copy of copies) {
    const destination = copy.at(-1)!;
    const sources = copy.slice(0, -1);
    for (const source of sources) {
      const into =
        destination.endsWith('/') || sources.length > 1 ? path.join(destination, path.basename(source)) : destination;
      cpSync(path.join(ROOT, source), path.join(app, into), { recursive: true });
    }
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(app, 'node_modules'), 'dir');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const build = await runUntilExit(
    process.execPath,
    [
      tsc,
      '-p',
      'tsconfig.build.json',
      '--outDir',
      path.join(app, 'dist'),
      '--tsBuildInfoFile',
      path.join(app, 'build.tsbuildinfo'),
    ],
    {},
    {},
    170_000,
  );
  expect(build.code, `${build.stdout.join('\n')}\n${build.stderr}`).toBe(0);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

const STATIC_OR_DYNAMIC_IMPORT =
  /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;
const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

describe('the compiled server, laid out as the Dockerfile runtime stage, run with node and no tsx', () => {
  let app: string;
  let stage: ReturnType<typeof runtimeStage>;
  beforeAll(async () => {
    app = mkdtempSync(path.join(tmpdir(), 'drama-graph-built-'));
    stage = runtimeStage();
    await layOut(app, stage.copies);
  });
  afterAll(() => rmSync(app, { recursive: true, force: true }));

  it('copies the build output and runs it with node', () => {
    expect(stage.copiesDist).toBe(true);
    expect(stage.cmd.slice(0, 1)).toEqual(['node']);
    expect(stage.cmd.join(' ')).not.toMatch(/tsx|\.ts\b/);
  });

  it('imports nothing at run time but node built-ins and production dependencies', () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const imported = new Set<string>();
    const files = filesUnder(path.join(app, 'dist')).filter((file) => file.endsWith('.js'));
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) {
      for (const match of readFileSync(file, 'utf8').matchAll(STATIC_OR_DYNAMIC_IMPORT)) {
        const specifier = match[1] ?? match[2] ?? match[3]!;
        if (!specifier.startsWith('.')) imported.add(packageOf(specifier));
      }
    }
    const outside = [...imported].filter(
      (name) => !name.startsWith('node:') && !builtinModules.includes(name) && !(name in manifest.dependencies),
    );
    expect(imported.has('graphql-yoga')).toBe(true);
    expect(outside).toEqual([]);
  });

  it('serves a fresh data directory seeded from its own seeds/, GraphiQL with its examples, persisted operations, no introspection', async () => {
    const dataDir = path.join(app, 'data-serve');
    const command: ServerCommand = { cwd: app, args: stage.cmd.slice(1) };
    const server = await startServerProcess(
      { NODE_ENV: 'production', GRAPHIQL: 'true', DATA_DIR: dataDir, NEO4J_URI: '' },
      60_000,
      command,
    );
    try {
      await vi.waitFor(() => expect(server.logs.join('\n')).toContain('empty store seeded'), { timeout: 30_000 });
      const seeded = server.logs
        .map((line) => (line.startsWith('{') ? JSON.parse(line) : {}))
        .find((line) => line.msg === 'empty store seeded');
      expect(seeded.seedDir).toBe(path.join(app, 'seeds'));
      expect(await postQuery(server.url, TITLE)).toEqual({ data: { series: { title: 'Soundtrack #1' } } });
      expect(await postQuery(server.url, CONFESSIONS)).toEqual({ data: { events: { totalCount: 4 } } });

      const page = await (await fetch(server.url, { headers: { accept: 'text/html' } })).text();
      const example = readdirSync(path.join(ROOT, 'examples')).find((name) => name.endsWith('.graphql'))!;
      const firstLine = readFileSync(path.join(ROOT, 'examples', example), 'utf8').split('\n')[0]!;
      expect(page).toContain(JSON.stringify(firstLine).slice(1, -1));

      const persisted = JSON.parse(readFileSync(path.join(app, 'persisted-operations.json'), 'utf8')) as Record<
        string,
        string
      >;
      const [hash, document] = Object.entries(persisted).find(([, text]) =>
        text.includes('series(slug: "soundtrack-1")'),
      )!;
      expect(createHash('sha256').update(document).digest('hex')).toBe(hash);
      const extensions = encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }));
      const byHash = await fetch(`${server.url}?extensions=${extensions}`);
      expect(byHash.status).toBe(200);
      expect(((await byHash.json()) as { data?: unknown }).data).toBeTruthy();

      const widget = await fetch(new URL('/widget.js', server.url));
      expect(widget.status).toBe(200);
      expect(await widget.text()).toContain('drama-recommendations');

      const introspection = await postQuery(server.url, '{ __schema { queryType { name } } }');
      expect(introspection.errors.map((error: { extensions: { code: string } }) => error.extensions.code)).toEqual([
        'INTROSPECTION_DISABLED',
      ]);
    } finally {
      expect(await stopServerProcess(server)).toBe(0);
    }
  }, 120_000);

  it('runs the operator commands from dist/: import (its seeds/ by default), migrate, token:create', async () => {
    const env = { NODE_ENV: 'production', DATA_DIR: path.join(app, 'data-import'), NEO4J_URI: '' };
    const run = (script: string, ...args: string[]) =>
      runUntilExit(process.execPath, [`dist/scripts/${script}.js`, ...args], env, { cwd: app });

    const imported = await run('import');
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout.join('\n')).toContain(`importing ${path.join(app, 'seeds')} into the embedded store`);

    const migrated = await run('migrate');
    expect(migrated.code, migrated.stderr).toBe(0);

    const token = await run('token-create', '--name', 'built-check', '--scopes', 'write:story');
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout.some((line) => /^dg_[\w-]{40,}$/.test(line))).toBe(true);
    const list = token.stdout.slice(token.stdout.findIndex((line) => line.startsWith('['))).join('\n');
    expect(JSON.parse(list)).toMatchObject([{ name: 'built-check', scopes: ['write:story'] }]);
  }, 120_000);
});
