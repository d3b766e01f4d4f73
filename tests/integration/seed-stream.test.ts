import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countsOf } from '../../src/domain/collections.js';
import type { GraphCounts } from '../../src/domain/records.js';
import { SeedValidationError } from '../../src/errors.js';
import { seriesSlug } from '../../src/generate/series.js';
import { PEOPLE_FILE, seriesFile, writeCatalogue } from '../../src/generate/write.js';
import { canonicalFiles } from '../../src/seed/canonical.js';
import { ExportError, exportSeedDirectory } from '../../src/seed/export.js';
import { DEFAULT_SEED_DIR, loadSeedDirectory } from '../../src/seed/load.js';
import {
  type ImportProgress,
  ImportWriteError,
  importSeedDirectory,
  PartlyWrittenError,
} from '../../src/seed/stream.js';
import type { OpenedStore } from '../../src/store/open.js';
import type { DramaStore } from '../../src/store/port.js';
import { createDramaYoga } from '../../src/yoga.js';
import { bigSeriesText } from '../support/big-series.js';
import { graphql } from '../support/graphql.js';
import { type StoreHandle, storeFactories } from '../support/stores.js';
import { digestOf, exportToTemp, filesOf } from '../support/transfer.js';

const dirs: string[] = [];
async function temp(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
async function catalogue(series: number): Promise<string> {
  const out = await temp('drama-stream-');
  await writeCatalogue({ series, seed: 5, out });
  return out;
}

async function rewrite(file: string, change: (seed: any) => void): Promise<void> {
  const seed = JSON.parse(await readFile(file, 'utf8'));
  change(seed);
  await writeFile(file, JSON.stringify(seed));
}

const nothing: GraphCounts = {
  people: 0,
  series: 0,
  episodes: 0,
  characters: 0,
  castings: 0,
  credits: 0,
  relationships: 0,
  events: 0,
};

const LIST = `{ allSeries(first: 50) { totalCount edges { node { slug } } } events(first: 5) { totalCount edges { node { slug } } } }`;
const SERIES = `query Series($slug: String!) {
  series(slug: $slug) { slug title originalTitle country releaseYear platforms genres
    episodeCount starring { slug name nativeName } source { document paragraph }
    episodes { number title runtimeMinutes events { slug sequence kind summary flashback outcome
      agent { slug } target { slug } participants { role character { slug } } source { document paragraph } } }
    cast { billing person { slug } character { slug } } crew { role person { slug } }
    characters { slug name nativeName aliases description portrayedBy { slug }
      relationships { kind mutual since { number } until { number } note from { slug } to { slug } } } } }`;

/** A wide set of answers, series by series, through a fresh service so that no cache answers for the store. */
async function answers(store: DramaStore): Promise<unknown[]> {
  const yoga = createDramaYoga({ store, graphiql: false });
  const ask = async (query: string, variables?: Record<string, unknown>) => {
    const response = await graphql(yoga, query, variables);
    expect(response.errors?.map((e) => e.message)).toBeUndefined();
    return response.data!;
  };
  const list = await ask(LIST);
  const all = [list];
  for (const { node } of list.allSeries.edges) all.push(await ask(SERIES, { slug: node.slug }));
  return all;
}

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const exportsByStore = new Map<string, Map<string, string>>();

for (const factory of storeFactories()) {
  describe.skipIf(!factory.available)(
    `importing and exporting a seed directory [${factory.kind}]`,
    { timeout: 300_000 },
    () => {
      let handle: StoreHandle;
      beforeEach(async () => {
        handle = await factory.open();
      });
      afterEach(async () => handle.dispose());

      it('writes file by file in several batches what loading the whole directory at once reads', async () => {
        const dir = await catalogue(3);
        const progress: ImportProgress[] = [];
        const result = await importSeedDirectory(handle.store, dir, {
          batchRecords: 400,
          onProgress: (p) => progress.push(p),
        });
        const expected = countsOf(await loadSeedDirectory(dir));
        expect(result).toEqual({ files: 4, batches: progress.length, written: expected, rejected: [] });
        expect(await handle.store.counts()).toEqual(expected);
        expect(progress.length).toBeGreaterThan(1);
        expect(progress.at(-1)).toMatchObject({ filesDone: 4, files: 4, batches: progress.length });
        expect(progress.at(-1)!.bytesDone).toBe(progress.at(-1)!.bytes);
      });

      it('export(import(seeds/)) is seeds/ in normal formatting, byte for byte', async () => {
        await importSeedDirectory(handle.store, DEFAULT_SEED_DIR);
        const exported = await filesOf(await exportToTemp(handle.store, dirs));
        expect(exported).toEqual(canonicalFiles(await loadSeedDirectory(DEFAULT_SEED_DIR)));
        exportsByStore.set(`${factory.kind} seeds`, exported);
      });

      it('importing again changes nothing: the same counts and the same export, byte for byte', async () => {
        const dir = await catalogue(2);
        await importSeedDirectory(handle.store, dir, { batchRecords: 300 });
        await importSeedDirectory(handle.store, DEFAULT_SEED_DIR);
        const counts = await handle.store.counts();
        const digest = await digestOf(await exportToTemp(handle.store, dirs));
        await importSeedDirectory(handle.store, dir, { batchRecords: 700 });
        await importSeedDirectory(handle.store, DEFAULT_SEED_DIR);
        expect(await handle.store.counts()).toEqual(counts);
        expect(await digestOf(await exportToTemp(handle.store, dirs))).toBe(digest);
      });

      it('import(export(store)) answers as the store did, and exports the same bytes again', async () => {
        await importSeedDirectory(handle.store, await catalogue(2), { batchRecords: 500 });
        await importSeedDirectory(handle.store, DEFAULT_SEED_DIR);
        const before = await answers(handle.store);
        const counts = await handle.store.counts();
        const first = await exportToTemp(handle.store, dirs);

        await (handle.store as DramaStore & { deleteEverything(): Promise<void> }).deleteEverything();
        expect(await handle.store.counts()).toEqual(nothing);
        const result = await importSeedDirectory(handle.store, first, { batchRecords: 300 });
        expect(result.rejected).toEqual([]);
        expect(await handle.store.counts()).toEqual(counts);
        expect(await answers(handle.store)).toEqual(before);
        const second = await filesOf(await exportToTemp(handle.store, dirs));
        expect(second).toEqual(await filesOf(first));
        exportsByStore.set(`${factory.kind} catalogue`, second);
      });

      it('exports only the series asked for, with the people they name, and refuses an unknown one', async () => {
        await importSeedDirectory(handle.store, DEFAULT_SEED_DIR);
        const dir = await exportToTemp(handle.store, dirs, ['the-time-travelers-wife', 'godspeed']);
        const files = await filesOf(dir);
        expect([...files.keys()]).toEqual([
          '0-people.json',
          'series-godspeed.json',
          'series-the-time-travelers-wife.json',
        ]);
        const people = JSON.parse(files.get('0-people.json')!).people.map((p: { slug: string }) => p.slug);
        expect(people).toEqual(['engin-akyurek', 'theo-james', 'tolga-saritas']);
        const empty = await temp('drama-export-');
        await expect(
          exportSeedDirectory(handle.store, empty, { series: ['godspeed', 'no-such-show'] }),
        ).rejects.toThrow(ExportError);
        expect(await filesOf(empty)).toEqual(new Map());
        // The directories made for a refused export go again (red team 69 found an empty one left behind).
        const notMade = path.join(empty, 'not-made', 'below');
        await expect(exportSeedDirectory(handle.store, notMade, { series: ['no-such-show'] })).rejects.toThrow(
          'no series "no-such-show"',
        );
        expect(existsSync(path.dirname(notMade))).toBe(false);
        expect(existsSync(empty)).toBe(true);
        await expect(exportSeedDirectory(handle.store, dir)).rejects.toThrow('holds seed files already');
      });

      it('stops at a bad file: the files before it are written, nothing of it or after it', async () => {
        const dir = await catalogue(3);
        await rewrite(path.join(dir, seriesFile(2)), (s) => (s.series[0].castings[0].person = 'nobody-at-all'));
        const error = await importSeedDirectory(handle.store, dir, { batchRecords: 100_000 }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SeedValidationError);
        expect((error as SeedValidationError).issues).toEqual([
          expect.objectContaining({
            file: seriesFile(2),
            record: expect.stringContaining('casting'),
            field: 'person',
            message: 'unknown person "nobody-at-all"',
            rule: 'reference',
          }),
        ]);
        const whole = await loadSeedDirectory(await catalogue(1));
        expect(await handle.store.counts()).toEqual(countsOf(whole));
      });

      it('with keepGoing skips bad files, writes the rest and lists the skipped ones', async () => {
        const dir = await catalogue(3);
        await rewrite(path.join(dir, seriesFile(1)), (s) => (s.series[0].episodes[0].number = -1));
        await writeFile(path.join(dir, 'series-0002-broken.json'), '{"format": "drama-graph/seed@1", "series": [');
        const result = await importSeedDirectory(handle.store, dir, { keepGoing: true, batchRecords: 300 });
        expect(result.rejected.map((r) => r.file)).toEqual([seriesFile(1), 'series-0002-broken.json']);
        expect(result.rejected[1]!.issues).toEqual([expect.objectContaining({ field: '(json)', rule: 'json' })]);
        expect(await handle.store.seriesByKeys([1, 2, 3].map(seriesSlug))).toEqual([
          null,
          expect.objectContaining({ slug: seriesSlug(2) }),
          expect.objectContaining({ slug: seriesSlug(3) }),
        ]);
      });

      it('writes files read in parts (events a batch at a time) as the same records as files read whole', async () => {
        const dir = await catalogue(2);
        await importSeedDirectory(handle.store, dir);
        const before = await answers(handle.store);
        const slugs = [1, 2].map(seriesSlug);
        const summaries = await handle.store.seriesSummaries(slugs);
        expect(summaries.every((s) => s !== null && s.tropes.length > 0)).toBe(true);
        const digest = await digestOf(await exportToTemp(handle.store, dirs));
        await (handle.store as DramaStore & { deleteEverything(): Promise<void> }).deleteEverything();

        const progress: ImportProgress[] = [];
        const result = await importSeedDirectory(handle.store, dir, {
          streamFromBytes: 0,
          batchRecords: 150,
          onProgress: (p) => progress.push(p),
        });
        expect(result.rejected).toEqual([]);
        expect(result.written).toEqual(countsOf(await loadSeedDirectory(dir)));
        // The people, then per series its rest and its events 150 at a time (about 400 each).
        expect(result.batches).toBeGreaterThanOrEqual(1 + 2 * 4);
        expect(progress.at(-1)!.bytesDone).toBe(progress.at(-1)!.bytes);
        expect(await answers(handle.store)).toEqual(before);
        expect(await handle.store.seriesSummaries(slugs)).toEqual(summaries);
        expect(await digestOf(await exportToTemp(handle.store, dirs))).toBe(digest);
      });

      it('writes nothing of a file read in parts whose last event is bad, and skips it with keepGoing', async () => {
        const dir = await catalogue(2);
        await rewrite(path.join(dir, seriesFile(2)), (s) => (s.series[0].events.at(-1).target = 'nobody-at-all'));
        const options = { streamFromBytes: 0, batchRecords: 100 };
        const error = await importSeedDirectory(handle.store, dir, options).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SeedValidationError);
        expect((error as SeedValidationError).issues).toContainEqual(
          expect.objectContaining({ file: seriesFile(2), field: 'target', rule: 'reference' }),
        );
        expect(await handle.store.seriesByKeys([seriesSlug(2)])).toEqual([null]);
        const result = await importSeedDirectory(handle.store, dir, { ...options, keepGoing: true });
        expect(result.rejected.map((r) => r.file)).toEqual([seriesFile(2)]);
        const [one, two] = await handle.store.seriesByKeys([1, 2].map(seriesSlug));
        expect([one?.slug, two]).toEqual([seriesSlug(1), null]);
        expect((await handle.store.counts()).events).toBe(countsOf(await loadSeedDirectory(await catalogue(1))).events);
      });

      it.each([
        ['changed', (text: string) => text.replace(/"MESSAGE"(?![\s\S]*"MESSAGE")/, '"MESSAGX"')],
        ['cut short', (text: string) => text.slice(0, Math.floor(text.length / 2))],
      ])(
        'stops a file read in parts that is %s while it is written: file-changed, said to be partly written, its summary up to date',
        async (_, change) => {
          const dir = await temp('drama-parts-');
          const file = path.join(dir, 'series-moving.json');
          // 7,200 events, 2.5 MB: the file is still being read (1 MiB at a time) when it changes.
          const text = bigSeriesText('moving', 3, 2400);
          await writeFile(file, text);
          let batches = 0;
          const options = {
            streamFromBytes: 0,
            batchRecords: 1_000,
            afterBatch: async () => {
              // Batch 1 is all but the events; batch 2 their first part.
              if (++batches === 2) await writeFile(file, change(text));
            },
          };
          const error = await importSeedDirectory(handle.store, dir, options).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(PartlyWrittenError);
          expect((error as SeedValidationError).issues).toEqual([
            expect.objectContaining({ file: 'series-moving.json', rule: 'file-changed' }),
          ]);
          const events = (await handle.store.counts()).events;
          expect(events).toBeGreaterThan(0);
          expect(events).toBeLessThan(7_200);
          const summary = await handle.store.seriesSummaries(['moving']);
          expect(summary[0]).not.toBeNull();
          await (handle.store as OpenedStore).settleSummaries?.();
          expect(await handle.store.seriesSummaries(['moving'])).toEqual(summary);

          await writeFile(file, text);
          batches = 0;
          const result = await importSeedDirectory(handle.store, dir, { ...options, keepGoing: true });
          expect(result.rejected).toEqual([
            {
              file: 'series-moving.json',
              issues: [expect.objectContaining({ rule: 'file-changed' })],
              partlyWritten: true,
            },
          ]);
          await writeFile(file, text);
          const clean = await importSeedDirectory(handle.store, dir, { streamFromBytes: 0, batchRecords: 1_000 });
          expect(clean.rejected).toEqual([]);
          expect((await handle.store.counts()).events).toBe(7_200);
        },
      );

      it('names the files being written when the store fails under them, and importing again completes them', async () => {
        const dir = await temp('drama-outage-');
        await writeFile(path.join(dir, 'series-moving.json'), bigSeriesText('moving', 3, 2400));
        const small = await catalogue(1);
        for (const name of [PEOPLE_FILE, seriesFile(1)])
          await writeFile(path.join(dir, name), await readFile(path.join(small, name)));
        /** The store, failing from its `failFrom`th write on, as one that went away would. */
        const failing = (failFrom: number) => {
          let writes = 0;
          return new Proxy(handle.store, {
            get(target, key, receiver) {
              if (key !== 'importDocument') return Reflect.get(target, key, receiver);
              return (...args: Parameters<DramaStore['importDocument']>) =>
                ++writes >= failFrom
                  ? Promise.reject(new Error('connection to the store was lost'))
                  : target.importDocument(...args);
            },
          });
        };
        const options = { streamFromBytes: 1_000_000, batchRecords: 100 };
        // Writes: 0-people.json and series-0001.json in one batch, then series-moving.json's rest, then its parts.
        const first = await importSeedDirectory(failing(1), dir, options).catch((e: unknown) => e);
        expect(first).toBeInstanceOf(ImportWriteError);
        expect((first as ImportWriteError).files).toEqual([PEOPLE_FILE, seriesFile(1)]);
        expect((first as Error).message).toContain('connection to the store was lost');
        expect((await handle.store.counts()).events).toBe(0);

        const third = await importSeedDirectory(failing(4), dir, options).catch((e: unknown) => e);
        expect(third).toBeInstanceOf(ImportWriteError);
        expect((third as ImportWriteError).files).toEqual(['series-moving.json']);
        expect((third as Error).message).toMatch(/series-moving\.json was written .*import again/);
        const partly = (await handle.store.counts()).events;
        expect(partly).toBeGreaterThan(0);
        expect(partly).toBeLessThan(7_200);

        // Importing again in larger batches (fewer transactions) still completes what the failed runs began.
        const larger = { ...options, batchRecords: 1_000 };
        const again = await importSeedDirectory(handle.store, dir, larger);
        expect(again.rejected).toEqual([]);
        const complete = {
          counts: await handle.store.counts(),
          digest: await digestOf(await exportToTemp(handle.store, dirs)),
        };
        const summaries = await handle.store.seriesSummaries(['moving', seriesSlug(1)]);
        expect(complete.counts.events).toBeGreaterThan(7_200);
        await (handle.store as DramaStore & { deleteEverything(): Promise<void> }).deleteEverything();
        await importSeedDirectory(handle.store, dir, larger);
        expect(await handle.store.counts()).toEqual(complete.counts);
        expect(await digestOf(await exportToTemp(handle.store, dirs))).toBe(complete.digest);
        expect(await handle.store.seriesSummaries(['moving', seriesSlug(1)])).toEqual(summaries);
      });

      it('refuses a person cast in a file that sorts before the file declaring them', async () => {
        const dir = await catalogue(2);
        const person = JSON.parse(await readFile(path.join(dir, PEOPLE_FILE), 'utf8')).people[0];
        await rewrite(path.join(dir, PEOPLE_FILE), (s) => (s.people = s.people.slice(1)));
        await writeFile(
          path.join(dir, 'z-late-people.json'),
          JSON.stringify({ format: 'drama-graph/seed@1', people: [person], series: [] }),
        );
        const result = await importSeedDirectory(handle.store, dir, { keepGoing: true });
        expect(result.rejected.length).toBeGreaterThan(0);
        for (const { issues } of result.rejected)
          expect(issues.every((i) => i.message === `unknown person "${person.slug}"`)).toBe(true);
        expect((await handle.store.peopleByKeys([person.slug]))[0]).toEqual(expect.objectContaining(person));
      });
    },
  );
}

describe('exports across stores', () => {
  it('are the same bytes from every store that ran', () => {
    const kinds = storeFactories()
      .filter((f) => f.available)
      .map((f) => f.kind);
    for (const what of ['seeds', 'catalogue']) {
      const [first, ...rest] = kinds.map((k) => exportsByStore.get(`${k} ${what}`));
      expect(first).toBeDefined();
      for (const other of rest) expect(other).toEqual(first);
    }
  });
});
