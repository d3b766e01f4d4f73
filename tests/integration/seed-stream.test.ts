import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GraphCounts } from '../../src/domain/records.js';
import { SeedValidationError } from '../../src/errors.js';
import { PEOPLE_FILE, seriesFile, writeCatalogue } from '../../src/generate/write.js';
import { loadSeedDirectory } from '../../src/seed/load.js';
import { type DirectoryStep, importSeedDirectory } from '../../src/seed/stream.js';
import { type StoreHandle, storeFactories } from '../support/stores.js';

const dirs: string[] = [];
async function catalogue(series: number): Promise<string> {
  const out = await mkdtemp(path.join(tmpdir(), 'drama-stream-'));
  dirs.push(out);
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

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

for (const factory of storeFactories()) {
  describe.skipIf(!factory.available)(`importing a seed directory file by file [${factory.kind}]`, () => {
    let handle: StoreHandle;
    beforeEach(async () => {
      handle = await factory.open();
    });
    afterEach(async () => handle.dispose());

    it('writes in several batches what loading the whole directory at once reads, people from an earlier file', async () => {
      const dir = await catalogue(3);
      const steps: DirectoryStep[] = [];
      const written = await importSeedDirectory(handle.store, dir, { batchRecords: 400, onStep: (p) => steps.push(p) });
      const whole = await loadSeedDirectory(dir);
      const expected = Object.fromEntries(Object.entries(whole).map(([k, v]) => [k, v.length]));
      expect(written).toEqual(expected);
      expect(await handle.store.counts()).toEqual(expected);
      const writes = steps.filter((p) => p.phase === 'write');
      expect(steps.filter((p) => p.phase === 'validate').map((p) => p.filesDone)).toEqual([1, 2, 3, 4]);
      expect(writes.length).toBeGreaterThan(1);
      expect(writes.at(-1)).toMatchObject({ filesDone: 4, files: 4 });
    });

    it('refuses the whole directory, writing nothing, when only the last file is bad', async () => {
      const dir = await catalogue(3);
      await rewrite(path.join(dir, seriesFile(3)), (s) => (s.series[0].castings[0].person = 'nobody-at-all'));
      const error = await importSeedDirectory(handle.store, dir, { batchRecords: 400 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SeedValidationError);
      expect((error as SeedValidationError).issues).toEqual([
        expect.objectContaining({ file: seriesFile(3), field: 'person', message: 'unknown person "nobody-at-all"' }),
      ]);
      expect(await handle.store.counts()).toEqual(nothing);
    });

    it('refuses a person cast in a file that sorts before the file declaring them', async () => {
      const dir = await catalogue(2);
      const person = JSON.parse(await readFile(path.join(dir, PEOPLE_FILE), 'utf8')).people[0];
      await rewrite(path.join(dir, PEOPLE_FILE), (s) => (s.people = s.people.slice(1)));
      await writeFile(
        path.join(dir, 'z-late-people.json'),
        JSON.stringify({ format: 'drama-graph/seed@1', people: [person], series: [] }),
      );
      const error = await importSeedDirectory(handle.store, dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SeedValidationError);
      const issues = (error as SeedValidationError).issues;
      expect(issues.length).toBeGreaterThan(0);
      expect(
        issues.every((i) => i.message === `unknown person "${person.slug}"` && i.file !== 'z-late-people.json'),
      ).toBe(true);
      expect(await handle.store.counts()).toEqual(nothing);
    });
  });
}
