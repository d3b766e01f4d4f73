import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Copy, DockerfileParser } from 'dockerfile-ast';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/environment.js';
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

/** The runtime stage of the Dockerfile, parsed: the files it copies (besides the build's dist/), its instructions and the command it runs. */
function runtimeStage() {
  const dockerfile = DockerfileParser.parse(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'));
  const froms = dockerfile.getFROMs();
  const from = froms.at(-1)!;
  const instructions = dockerfile
    .getInstructions()
    .filter((instruction) => instruction.getRange().start.line > from.getRange().start.line)
    .map((instruction) => ({
      keyword: instruction.getKeyword(),
      args: instruction.getArguments().map((argument) => argument.getValue()),
      text: instruction.getArgumentsContent() ?? '',
      flags:
        instruction instanceof Copy
          ? instruction.getFlags().map((flag) => `--${flag.getName()}=${flag.getValue()}`)
          : [],
    }));
  const copies = instructions.filter((i) => i.keyword === 'COPY' && i.flags.length === 0).map((i) => i.args);
  const cmd = JSON.parse(instructions.find((i) => i.keyword === 'CMD')!.text) as string[];
  const healthcheck = instructions.find((i) => i.keyword === 'HEALTHCHECK')?.text ?? '';
  const healthCmd = JSON.parse(healthcheck.slice(healthcheck.indexOf('CMD ') + 4).trim() || 'null') as string[] | null;
  const copiesDist = instructions.some(
    (i) => i.keyword === 'COPY' && i.flags.join(' ') === '--from=build' && i.args.join(' ') === '/app/dist ./dist',
  );
  return { stages: froms.length, instructions, copies, cmd, healthCmd, copiesDist };
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

  it("cleans npm's cache in the RUN that installs, and checks its health with node (the image has no curl)", () => {
    const installs = stage.instructions.filter((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.text));
    expect(installs).toHaveLength(1);
    expect(installs[0]!.text).toMatch(/&&\s*npm cache clean --force\s*$/);
    expect(stage.healthCmd?.slice(0, 2)).toEqual(['node', '-e']);
    expect(stage.healthCmd!.join(' ')).toContain('/ready');
  });

  it('makes the data directory, gives it to node, declares it a volume, then runs as node', () => {
    const at = (keyword: string) => stage.instructions.flatMap((i, index) => (i.keyword === keyword ? [index] : []));
    const workdir = stage.instructions[at('WORKDIR').at(-1)!]!.args[0]!;
    // The server's DATA_DIR default is `data` in its working directory.
    expect(path.relative(process.cwd(), loadConfig({ NEO4J_URI: '' }).dataDir)).toBe('data');
    const dataDir = path.posix.join(workdir, 'data');
    expect(dataDir).toBe('/app/data');
    expect(stage.instructions.some((i) => i.keyword === 'ENV' && /\bDATA_DIR=/.test(i.text))).toBe(false);

    const run = stage.instructions.findIndex(
      (i) => i.keyword === 'RUN' && i.text === `mkdir -p ${dataDir} && chown node:node ${dataDir}`,
    );
    const volumes = at('VOLUME').filter((index) => {
      const text = stage.instructions[index]!.text.trim();
      return (text.startsWith('[') ? (JSON.parse(text) as string[]) : text.split(/\s+/)).includes(dataDir);
    });
    const users = at('USER');
    expect(run).toBeGreaterThanOrEqual(0);
    expect(volumes).toHaveLength(1);
    // Docker drops changes made to a volume's path after VOLUME, and a USER before the chown could not chown.
    expect(volumes[0]!).toBeGreaterThan(run);
    expect(users.length).toBeGreaterThan(0);
    expect(users.every((index) => index > run)).toBe(true);
    expect(stage.instructions[users.at(-1)!]!.args).toEqual(['node']);
    const laterRuns = stage.instructions.slice(volumes[0]! + 1).filter((i) => i.keyword === 'RUN');
    expect(laterRuns.filter((i) => i.text.includes(dataDir))).toEqual([]);
  });

  it('started as an unprivileged user with no configuration: refuses a data directory it cannot write (DATA_DIR_NOT_WRITABLE), runs in the one RUN made and chowned', async () => {
    // The node image's `node` user is uid/gid 1000. Root here runs the server as that user, as the image does.
    const asRoot = process.getuid?.() === 0;
    const user = asRoot ? { uid: 1000, gid: 1000 } : {};
    const dataDir = path.join(app, 'data');
    const env = { NODE_ENV: 'production', DATA_DIR: '', NEO4J_URI: '', SEED_DIR: '' };
    chmodSync(app, asRoot ? 0o755 : 0o555);
    const failure = async () => {
      const run = await runUntilExit(process.execPath, stage.cmd.slice(1), env, { cwd: app, ...user }, 60_000);
      expect(run.code, run.stderr).toBe(1);
      const fatal = run.stdout.map((line) => JSON.parse(line)).find((line) => line.level >= 50);
      return fatal as { cause: string; path: string; msg: string };
    };
    try {
      // Without the RUN line: /app is root's, so mkdir /app/data fails (the EACCES of the issue), now coded.
      expect(await failure()).toMatchObject({ cause: 'DATA_DIR_NOT_WRITABLE', path: dataDir });
      // With mkdir but without the chown: the directory is root's.
      mkdirSync(dataDir, { mode: 0o755 });
      if (!asRoot) chmodSync(dataDir, 0o555);
      const unowned = await failure();
      expect(unowned).toMatchObject({ cause: 'DATA_DIR_NOT_WRITABLE', path: dataDir });
      expect(unowned.msg).toContain(dataDir);
    } finally {
      chmodSync(app, 0o755);
    }

    // The RUN line: mkdir -p /app/data && chown node:node /app/data.
    if (asRoot) chownSync(dataDir, 1000, 1000);
    else chmodSync(dataDir, 0o755);
    const server = await startServerProcess(env, 60_000, { cwd: app, args: stage.cmd.slice(1), ...user });
    try {
      await vi.waitFor(() => expect(server.logs.join('\n')).toContain('empty store seeded'), { timeout: 30_000 });
      expect(await postQuery(server.url, TITLE)).toEqual({ data: { series: { title: 'Soundtrack #1' } } });
      const written = readdirSync(dataDir).map((name) => statSync(path.join(dataDir, name)));
      expect(written.length).toBeGreaterThan(0);
      if (asRoot) expect(written.every((file) => file.uid === 1000)).toBe(true);
    } finally {
      expect(await stopServerProcess(server)).toBe(0);
    }
  }, 180_000);

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

      // The image's HEALTHCHECK, run as Docker runs it: healthy on the service's port, unhealthy where none listens.
      const health = (port: string) =>
        runUntilExit(
          stage.healthCmd![0] === 'node' ? process.execPath : stage.healthCmd![0]!,
          stage.healthCmd!.slice(1),
          { PORT: port },
          { cwd: app },
        );
      expect((await health(new URL(server.url).port)).code).toBe(0);
      expect((await health('1')).code).toBe(1);

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
