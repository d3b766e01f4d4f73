import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { GraphCounts } from '../../src/domain/records.js';
import { seriesFile, writeCatalogue } from '../../src/generate/write.js';
import { exportSeedDirectory } from '../../src/seed/export.js';
import { importSeedDirectory } from '../../src/seed/stream.js';
import { type EmbeddedStore, openEmbeddedStore } from '../../src/store/embedded/index.js';
import { openNeo4jStore } from '../../src/store/neo4j/index.js';
import type { DramaStore, StoreKind } from '../../src/store/port.js';
import { bigSeriesText } from '../support/big-series.js';
import { describeInLine, inThisLine } from '../support/lines.js';
import { runUntilExit } from '../support/server-process.js';
import { digestOf, filesOf } from '../support/transfer.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const made: string[] = [];
async function temp(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
afterAll(async () => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));

async function catalogue(series: number): Promise<string> {
  const out = await temp('drama-cli-catalogue-');
  await writeCatalogue({ series, seed: 9, out });
  return out;
}

const script = (name: string, args: string[], env: Record<string, string>, uid?: number) =>
  runUntilExit(
    process.execPath,
    ['--enable-source-maps', `dist/scripts/${name}.js`, ...args],
    env,
    uid === undefined ? {} : { uid, gid: uid },
    300_000,
  );

/** Starts an import that stops inside the write transaction of batch `after + 1`, then kills it with SIGKILL. */
function importKilledInside(dir: string, after: number, env: Record<string, string>, batchRecords = 1) {
  const args = ['--enable-source-maps', 'dist/scripts/import.js', dir, '--batch-records', String(batchRecords)];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, DRAMA_IMPORT_TEST_FREEZE_AFTER_BATCHES: String(after) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    if (line === `frozen inside batch ${after + 1}`) child.kill('SIGKILL');
  });
  return new Promise<{ signal: NodeJS.Signals | null; lines: string[]; stderr: string }>((resolve) =>
    child.once('close', (_code, signal) => resolve({ signal, lines, stderr })),
  );
}

interface Target {
  kind: StoreKind;
  available: boolean;
  env(): Promise<Record<string, string>>;
  /** Opens the store the env names (the child must have exited), runs `use`, closes it. */
  using<T>(env: Record<string, string>, use: (store: DramaStore) => Promise<T>): Promise<T>;
  wipe(env: Record<string, string>): Promise<void>;
}

const embedded: Target = {
  kind: 'embedded',
  available: true,
  env: async () => ({ DATA_DIR: await temp('drama-cli-data-'), NEO4J_URI: '' }),
  async using(env, use) {
    const store = await openEmbeddedStore({ dataDir: env.DATA_DIR! });
    try {
      return await use(store);
    } finally {
      await store.close();
    }
  },
  wipe: async () => undefined,
};

const neo4jConfig = inject('neo4j');
const neo4j: Target = {
  kind: 'neo4j',
  available: neo4jConfig !== null,
  env: async () => ({
    NEO4J_URI: neo4jConfig!.uri,
    NEO4J_USER: neo4jConfig!.user,
    NEO4J_PASSWORD: neo4jConfig!.password,
    NEO4J_DATABASE: neo4jConfig!.database,
  }),
  async using(_env, use) {
    const store = await openNeo4jStore({ ...neo4jConfig! });
    try {
      return await use(store);
    } finally {
      await store.close();
    }
  },
  async wipe(env) {
    await this.using(env, async (store) => {
      await (store as DramaStore & { migrate(): Promise<unknown> }).migrate();
      await (store as DramaStore & { deleteEverything(): Promise<void> }).deleteEverything();
    });
  },
};

/** How many times the command said it reopened the data directory to unmap data.mdb (NaN: it did not say). */
const reopened = (stdout: string[]): number =>
  Number(/^reopened the data directory (\d+) times? to unmap/m.exec(stdout.join('\n'))?.[1] ?? Number.NaN);

const snapshot = async (store: DramaStore): Promise<{ counts: GraphCounts; digest: string }> => {
  const out = await temp('drama-cli-export-');
  await exportSeedDirectory(store, out);
  return { counts: await store.counts(), digest: await digestOf(out) };
};

for (const target of [embedded, neo4j].filter((t) => inThisLine(t.kind))) {
  describe.skipIf(!target.available)(
    `npm run import, killed and run again [${target.kind}]`,
    { timeout: 600_000 },
    () => {
      it('ends in the state of one clean run: the same counts and export digest', async () => {
        const dir = await catalogue(4);
        const cleanEnv = await target.env();
        await target.wipe(cleanEnv);
        const clean = await target.using(cleanEnv, async (store) => {
          await importSeedDirectory(store, dir);
          return snapshot(store);
        });
        expect(clean.counts.series).toBe(4);

        const env = await target.env();
        await target.wipe(env);
        // Batch 1 is the people file, batch 2 the first series; the kill lands inside the second series' transaction.
        // A 1 MB bound on the mapping makes the embedded store reopen lmdb between batches, before and after the kill.
        const killed = await importKilledInside(dir, 2, { ...env, IMPORT_EXPORT_MAPPED_MB: '1' });
        expect(killed.signal, killed.stderr).toBe('SIGKILL');
        expect(killed.lines).toContain('frozen inside batch 3');
        const partial = await target.using(env, (store) => store.counts());
        expect(partial.people).toBe(clean.counts.people);
        expect(partial.series).toBe(1);
        expect(partial.events).toBeLessThan(clean.counts.events);

        const again = await script('import', [dir, '--batch-records', '300'], { ...env, IMPORT_EXPORT_MAPPED_MB: '1' });
        expect(again.code, again.stderr).toBe(0);
        if (target.kind === 'embedded') expect(reopened(again.stdout)).toBeGreaterThan(0);
        expect(await target.using(env, snapshot)).toEqual(clean);

        const twice = await script('import', [dir], env);
        expect(twice.code, twice.stderr).toBe(0);
        expect(await target.using(env, snapshot)).toEqual(clean);
      });
    },
  );
}

describeInLine(
  'embedded',
  'npm run import of one series too large to hold (read in parts) [embedded]',
  { timeout: 600_000 },
  () => {
    it('takes what export writes, with the default flags, survives a kill, and exports the same bytes', async () => {
      const dir = await temp('drama-cli-huge-');
      // 36,000 events, about 24 MB indented: past the 16 MiB a file may be to be read whole.
      await writeFile(
        path.join(dir, 'series-huge.json'),
        JSON.stringify(JSON.parse(bigSeriesText('huge', 40, 900)), null, 2),
      );
      const env = await embedded.env();
      // Batch 1 is all but the events, then 500 events to a batch: the kill lands in the third part of them.
      const killed = await importKilledInside(dir, 3, env, 500);
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      const partial = await embedded.using(env, (store) => store.counts());
      expect([partial.series, partial.episodes]).toEqual([1, 40]);
      expect(partial.events).toBe(1_000);

      const again = await script('import', [dir], env);
      expect(again.code, again.stderr).toBe(0);
      expect(await embedded.using(env, (store) => store.counts().then((c) => c.events))).toBe(36_000);

      const first = await temp('drama-cli-huge-out-');
      await rm(first, { recursive: true });
      expect((await script('export', [first], env)).code).toBe(0);
      const exported = await filesOf(first);
      expect(Buffer.byteLength(exported.get('series-huge.json')!)).toBeGreaterThan(16 * 1024 * 1024);

      const envTwo = await embedded.env();
      const reimport = await script('import', [first], envTwo);
      expect(reimport.code, reimport.stderr).toBe(0);
      const second = await temp('drama-cli-huge-out-');
      await rm(second, { recursive: true });
      expect((await script('export', [second], envTwo)).code).toBe(0);
      expect(await filesOf(second)).toEqual(exported);
    });
  },
);

describeInLine('embedded', 'npm run import and npm run export as commands', { timeout: 300_000 }, () => {
  it('prints plain progress lines with records per second and an ETA when not on a terminal', async () => {
    const env = await embedded.env();
    const run = await script('import', [await catalogue(2), '--batch-records', '1'], env);
    expect(run.code, run.stderr).toBe(0);
    const progress = run.stdout.filter((l) => l.startsWith('  importing '));
    expect(progress.length).toBeGreaterThan(1);
    for (const line of progress)
      expect(line).toMatch(/^ {2}importing \d+% \| \d+ records \| \d+ records\/s \| ETA \S+$/);
    expect(progress.at(-1)).toMatch(/^ {2}importing 100% /);
  });

  it('stops at a bad file naming it, the record and the rule; --keep-going skips and lists it, exiting 1', async () => {
    const dir = await catalogue(3);
    const bad = JSON.parse(JSON.stringify({ format: 'drama-graph/seed@1', series: [{ slug: 'x', title: '' }] }));
    await writeFile(path.join(dir, seriesFile(2)), JSON.stringify(bad));
    const env = await embedded.env();
    const stopped = await script('import', [dir], env);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain(`${seriesFile(2)}: series "x": title: must not be empty [not-empty]`);
    expect(stopped.stderr).toContain(`${seriesFile(2)}: series "x": episodeCount:`);
    expect(stopped.stderr).toContain('nothing of it was written');
    expect(await embedded.using(env, (s) => s.counts().then((c) => c.series))).toBe(1);

    const skipped = await script('import', [dir, '--keep-going'], env);
    expect(skipped.code).toBe(1);
    expect(skipped.stderr).toContain('1 of 4 files skipped (--keep-going)');
    expect(skipped.stderr).toContain(`${seriesFile(2)}: series "x": title: must not be empty [not-empty]`);
    expect(await embedded.using(env, (s) => s.counts().then((c) => c.series))).toBe(2);
  });

  it('refuses an empty directory and names an unreadable file, exiting 1', async () => {
    const empty = await temp('drama-cli-empty-');
    const none = await script('import', [empty], await embedded.env());
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('holds no *.json seed file');

    const env = await embedded.env();
    const dir = await catalogue(1);
    await chmod(dir, 0o755);
    await writeFile(path.join(dir, 'secret.json'), '{}');
    await chmod(path.join(dir, 'secret.json'), 0o000);
    // As root every file is readable: then run the import as nobody, who cannot read it.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) await chown(env.DATA_DIR!, 65534, 65534);
    const run = await script('import', [dir], env, asRoot ? 65534 : undefined);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/secret\.json: \(file\): \(file\): cannot be read \(EACCES\).*\[unreadable\]/);
  });

  it('exports the same bytes as the store, a chosen series alone, and refuses a non-empty directory', async () => {
    const env = await embedded.env();
    const dir = await catalogue(2);
    const imported = await script('import', [dir], env);
    expect(imported.code, imported.stderr).toBe(0);
    // The embedded store's default batch: smaller than Neo4j's 5,000, for the pages one transaction touches.
    expect(imported.stdout.join('\n')).toMatch(
      /records\/s\): \d+ records in \d+ batch(es)? of 2000 records or one file$/m,
    );
    const out = await temp('drama-cli-out-');
    const run = await script('export', [out], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.join('\n')).toMatch(/exported in .* records\/s\): 2 series, \d+ people/);
    const expected = await temp('drama-cli-expected-');
    await embedded.using(env, (store) => exportSeedDirectory(store, expected));
    expect(await filesOf(out)).toEqual(await filesOf(expected));

    const again = await script('export', [out], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('holds seed files already');

    const one = await temp('drama-cli-one-');
    expect((await script('export', [one, '--series', 'generated-0002'], env)).code).toBe(0);
    expect([...(await filesOf(one)).keys()]).toEqual(['0-people.json', 'series-generated-0002.json']);
  });

  it('with IMPORT_EXPORT_MAPPED_MB=1 reopens the data directory between batches and ends with the same bytes', async () => {
    const dir = await catalogue(10);
    const run = async (mb: string) => {
      const env = { ...(await embedded.env()), IMPORT_EXPORT_MAPPED_MB: mb };
      const imported = await script('import', [dir, '--batch-records', '300'], env);
      expect(imported.code, imported.stderr).toBe(0);
      const out = await temp('drama-cli-mapped-');
      const exported = await script('export', [out], env);
      expect(exported.code, exported.stderr).toBe(0);
      const counts = await embedded.using(env, (store) => store.counts());
      // The command kept every summary its writes marked due: reading them decodes no record.
      const decodedBySummaries = await embedded.using(env, async (store) => {
        const keys = (await store.listSeries({ first: 100, afterSlug: null })).items.map((s) => s.key);
        const decoded = (store as EmbeddedStore).recordsDecoded;
        const summaries = await store.seriesSummaries(keys);
        expect(summaries.every((summary) => summary !== null)).toBe(true);
        return (store as EmbeddedStore).recordsDecoded - decoded;
      });
      expect(decodedBySummaries).toBe(0);
      return {
        imports: reopened(imported.stdout),
        exports: reopened(exported.stdout),
        counts,
        files: await filesOf(out),
      };
    };
    const never = await run('1048576');
    expect([never.imports, never.exports]).toEqual([0, 0]);
    const tiny = await run('1');
    expect(tiny.imports).toBeGreaterThan(3);
    expect(tiny.exports).toBeGreaterThan(0);
    expect(tiny.counts).toEqual(never.counts);
    expect(tiny.counts.series).toBe(10);
    expect([...tiny.files.keys()]).toEqual([...never.files.keys()]);
    expect(tiny.files).toEqual(never.files);
  });

  it.each(['0', '-5', '1048577', '64MB', '1e3', '   NaN'])(
    'refuses IMPORT_EXPORT_MAPPED_MB=%j (exit 2) before it opens the store, writing nothing',
    async (value) => {
      const env = { DATA_DIR: path.join(await temp('drama-cli-mapped-bad-'), 'data'), IMPORT_EXPORT_MAPPED_MB: value };
      const out = await temp('drama-cli-mapped-out-');
      for (const [name, args] of [
        ['import', [await catalogue(1)]],
        ['export', [out]],
      ] as const) {
        const run = await script(name, [...args], env);
        expect(run.code, name).toBe(2);
        expect(run.stderr).toContain('IMPORT_EXPORT_MAPPED_MB must be a whole number of MB from 1 to 1048576');
      }
      expect(existsSync(env.DATA_DIR)).toBe(false);
      expect(await readdir(out)).toEqual([]);
    },
  );

  it('refuses an empty --series and a --batch-records that is not digits (exit 2), and a migrate of a DATA_DIR that does not exist (exit 1), writing nothing', async () => {
    const env = await embedded.env();
    for (const empty of ['', ',,']) {
      const out = await temp('drama-cli-none-');
      const run = await script('export', [out, '--series', empty], env);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--series names no series');
      expect(await readdir(out)).toEqual([]);
    }
    for (const records of ['1e3', '0x10', '1.5', '-5', ' 7']) {
      const run = await script('import', [await catalogue(1), `--batch-records=${records}`], env);
      expect(run.code, records).toBe(2);
      expect(run.stderr).toContain('--batch-records takes a positive integer');
    }
    const missing = path.join(await temp('drama-cli-migrate-'), 'nowhere');
    const migrate = await script('migrate', [], { ...env, DATA_DIR: missing });
    expect(migrate.code).toBe(1);
    expect(migrate.stderr).toContain('does not exist: there is nothing to migrate');
    expect(existsSync(missing)).toBe(false);
  });
});
