import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeInLine } from '../support/lines.js';
import { runUntilExit } from '../support/server-process.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'drama-cli-arguments-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** `npm run generate` and `npm run fuzz` run scripts/*.ts through tsx; `npm run migrate` runs dist/. */
const generate = (args: string[]) =>
  runUntilExit(process.execPath, ['--import', 'tsx', 'scripts/generate.ts', ...args], {});
const fuzz = (args: string[]) => runUntilExit(process.execPath, ['--import', 'tsx', 'scripts/fuzz.ts', ...args], {});

/** `npm run NAME -- ARGS` from dist/, with EXPORT_DIR in ARGS standing for `out`. */
const runScript = (name: string, args: string[], out: string, env: Record<string, string>) =>
  runUntilExit(
    process.execPath,
    ['--enable-source-maps', `dist/scripts/${name}.js`, ...args.map((a) => (a === 'EXPORT_DIR' ? out : a))],
    env,
  );

const refusedAsUsage = (run: { code: number | null; stderr: string }, usage: RegExp) => {
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(usage);
  expect(run.stderr).not.toMatch(/^\s+at /m);
};

// No store is reached here but the one Neo4j login below: the rest runs in the embedded line (tests/support/lines.ts).
describeInLine(
  'embedded',
  'the CLIs refuse arguments they do not take with a usage line, exit 2 and no stack trace',
  () => {
    it.each([
      ['an unknown option', ['--help']],
      ['a negative series count', ['--series', '-1']],
      ['a series count in exponent form', ['--series', '1e3']],
      ['no series at all', ['--series', '0']],
      ['a seed that is not a number', ['--seed', 'abc']],
      ['a prototype key as an option', ['--__proto__', '1']],
      ['a value-taking option without its value', ['--series']],
      ['a positional argument', ['somewhere']],
      ['a full-width digit', ['--series', '５']],
      // Red team: 99,999,999,999 series ran the heap out of memory, with V8's trace.
      ['more series than it can hold the people of', ['--series', '99999999999']],
      ['one series past the most', ['--series', '100001']],
    ])('npm run generate: %s, writing nothing', async (_, args) => {
      const out = path.join(dir, `never-${args.join('_').replace(/\W/g, '')}`);
      refusedAsUsage(await generate([...args, '--out', out]), /npm run generate -- \[--series N\]/);
      expect(existsSync(out)).toBe(false);
    });

    it('npm run generate: an --out it cannot write into says so and exits 1, with no stack trace', async () => {
      const file = path.join(dir, 'a-file');
      await writeFile(file, 'not a directory');
      const run = await generate(['--series', '1', '--out', path.join(file, 'catalogue')]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`could not write the catalogue into ${path.join(file, 'catalogue')}`);
      expect(run.stderr).not.toMatch(/^\s+at /m);
    });

    it.each([
      ['an unknown option', ['--bogus']],
      ['no cases', ['--cases', '0']],
      ['a seed that is not a number', ['--seed', '-5']],
    ])('npm run fuzz: %s, before it starts vitest', async (_, args) => {
      const run = await fuzz(args);
      refusedAsUsage(run, /npm run fuzz -- \[--cases N\]/);
      expect(run.stdout.join('\n')).not.toMatch(/vitest|RUN/);
    });

    it.each([
      ['an unknown option', ['--bogus']],
      ['a series count that is not a number', ['--series', 'x']],
    ])('npm run bench: %s, before it builds or starts anything', async (_, args) => {
      const run = await runUntilExit(process.execPath, ['--import', 'tsx', 'bench/src/main.ts', ...args], {});
      refusedAsUsage(run, /npm run bench -- /);
      expect(run.stdout.join('\n')).not.toMatch(/building dist/);
    });

    it.each([
      ['import', [path.join('seeds')]],
      ['export', ['EXPORT_DIR']],
      ['migrate', []],
    ])('npm run %s: a bad configuration is one message and exit 1, with no stack trace', async (name, args) => {
      const badConfig = await runScript(name, args, path.join(dir, `export-${name}`), {
        NEO4J_URI: 'http://127.0.0.1:7687',
        NEO4J_PASSWORD: 'x',
      });
      expect(badConfig.code).toBe(1);
      expect(badConfig.stderr).toContain('NEO4J_URI');
      expect(badConfig.stderr).not.toMatch(/^\s+at /m);
    });

    it.each([
      ['import', ['seeds', 'examples'], /too many arguments: "seeds" "examples"/],
      ['export', ['EXPORT_DIR', '--series', 'soundtrack-1', '--series', 'godspeed'], /--series is given twice/],
      ['import', ['seeds', '--batch-records', '5', '--batch-records', '7'], /--batch-records is given twice/],
    ])(
      'npm run %s %j: refused, where it used to take the first directory or the last option silently',
      async (name, args, message) => {
        const out = path.join(dir, `twice-${name}`);
        const dataDir = path.join(dir, `twice-data-${name}`);
        const run = await runScript(name, args, out, { DATA_DIR: dataDir, NEO4J_URI: '' });
        refusedAsUsage(run, message);
        expect(existsSync(out) || existsSync(dataDir)).toBe(false);
      },
    );

    // Red team: each of these created a store in the new DATA_DIR (and export its target) before failing.
    it.each([
      ['import', ['NO_SUCH_DIR'], /is not a directory to import from/],
      ['import', ['A_FILE'], /is not a directory to import from/],
      ['export', ['EXPORT_DIR'], /there is no data directory at .* to export from/],
    ])(
      'npm run %s %j into a DATA_DIR that does not exist: exit 1, and nothing created',
      async (name, args, message) => {
        const out = path.join(dir, `missing-out-${name}-${args[0]}`);
        const dataDir = path.join(dir, `missing-data-${name}-${args[0]}`);
        const file = path.join(dir, 'a-file.json');
        await writeFile(file, '{}');
        const named = { NO_SUCH_DIR: path.join(dir, 'no-such-seeds'), A_FILE: file, EXPORT_DIR: out } as Record<
          string,
          string
        >;
        const run = await runUntilExit(
          process.execPath,
          ['--enable-source-maps', `dist/scripts/${name}.js`, ...args.map((a) => named[a] ?? a)],
          { DATA_DIR: dataDir, NEO4J_URI: '' },
        );
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(message);
        expect(run.stderr).not.toMatch(/^\s+at /m);
        expect(existsSync(out) || existsSync(dataDir)).toBe(false);
      },
    );

    it('npm run migrate: any argument, before it opens a store', async () => {
      const dataDir = path.join(dir, 'never-migrated');
      const run = await runUntilExit(process.execPath, ['--enable-source-maps', 'dist/scripts/migrate.js', '--force'], {
        DATA_DIR: dataDir,
        NEO4J_URI: '',
      });
      refusedAsUsage(run, /npm run migrate \(no arguments/);
      expect(existsSync(dataDir)).toBe(false);
    });
  },
);

describeInLine('neo4j', 'npm run import against a Neo4j it cannot log in to', () => {
  // One wrong password only: Neo4j locks a user out for a while after three in a row.
  it('is one message and exit 1, with no stack trace, and nothing written', async () => {
    const neo4j = inject('neo4j');
    expect(neo4j, 'the Neo4j line always has a Neo4j').not.toBeNull();
    const out = path.join(dir, 'export-wrong-password');
    const wrong = await runScript('import', ['seeds'], out, {
      NEO4J_URI: neo4j!.uri,
      NEO4J_USER: neo4j!.user,
      NEO4J_PASSWORD: 'not-the-password',
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/auth|credentials|Unauthorized/i);
    expect(wrong.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });
});
