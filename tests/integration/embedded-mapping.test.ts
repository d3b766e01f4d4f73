import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/errors.js';
import { writeCatalogue } from '../../src/generate/write.js';
import { importSeedDirectory } from '../../src/seed/stream.js';
import { DataDirError } from '../../src/store/embedded/data-dir.js';
import { openEmbeddedStore } from '../../src/store/embedded/index.js';
import { exportToTemp, filesOf } from '../support/transfer.js';

const MB = 1024 * 1024;
let root: string;
let catalogue: string;
const made: string[] = [];
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'embedded-mapping-'));
  catalogue = path.join(root, 'catalogue');
  await writeCatalogue({ series: 6, seed: 9, out: catalogue });
});
afterAll(async () => {
  await Promise.all([root, ...made].map((d) => rm(d, { recursive: true, force: true })));
});

const lockedOut = (dataDir: string) =>
  openEmbeddedStore({ dataDir }).then(
    async (store) => {
      await store.close();
      return null;
    },
    (error: unknown) => (error instanceof DataDirError ? error.reason : error),
  );

describe('releasing the mapping of data.mdb (close and reopen, the lock held)', { timeout: 120_000 }, () => {
  it('unmaps the pages an import touched, keeps DATA_DIR locked, and ends with the same data', async () => {
    const plain = await openEmbeddedStore({ dataDir: path.join(root, 'plain') });
    const expected = await (async () => {
      try {
        await importSeedDirectory(plain, catalogue, { batchRecords: 300 });
        return { counts: await plain.counts(), files: await filesOf(await exportToTemp(plain, made)) };
      } finally {
        await plain.close();
      }
    })();

    const dataDir = path.join(root, 'released');
    const store = await openEmbeddedStore({ dataDir });
    const before: number[] = [];
    const after: number[] = [];
    let batches = 0;
    try {
      await importSeedDirectory(store, catalogue, {
        batchRecords: 300,
        afterBatch: async () => {
          batches++;
          before.push(store.mappedBytes()!);
          const racing = lockedOut(dataDir);
          await store.releaseMapping();
          after.push(store.mappedBytes()!);
          expect(await racing).toBe('DATA_DIR_LOCKED');
          expect(await lockedOut(dataDir)).toBe('DATA_DIR_LOCKED');
        },
      });
      expect(batches).toBeGreaterThanOrEqual(6);
      expect(store.mappingReleases).toBe(batches);
      // What the import had touched by its last batch is mapped no more once lmdb is reopened.
      // (each batch touches more of the growing file: lmdb's B-tree pages, and the kernel maps their neighbours).
      expect(Math.max(...before)).toBeGreaterThan(2 * MB);
      expect(Math.max(...after)).toBeLessThan(MB);

      expect(await store.counts()).toEqual(expected.counts);
      expect(await filesOf(await exportToTemp(store, made))).toEqual(expected.files);
      // An export that releases after every group of series writes the same bytes.
      const out = path.join(root, 'export-released');
      const { exportSeedDirectory } = await import('../../src/seed/export.js');
      let groups = 0;
      await exportSeedDirectory(store, out, {
        afterBatch: async () => {
          groups++;
          await store.releaseMapping();
        },
      });
      expect(groups).toBeGreaterThan(1);
      expect(await filesOf(out)).toEqual(expected.files);
    } finally {
      await store.close();
    }
    await expect(store.releaseMapping()).rejects.toBeInstanceOf(StoreUnavailableError);
    // Closed for good: the next writer gets the directory, and sees it all.
    const next = await openEmbeddedStore({ dataDir });
    try {
      expect(await next.counts()).toEqual(expected.counts);
    } finally {
      await next.close();
    }
  });

  it('a read-only store releases its mapping too and reads on', async () => {
    const dataDir = path.join(root, 'plain');
    const reader = await openEmbeddedStore({ dataDir, readOnly: true });
    try {
      const first = await reader.counts();
      await exportToTemp(reader, made);
      expect(reader.mappedBytes()!).toBeGreaterThan(MB);
      await reader.releaseMapping();
      expect(reader.mappedBytes()!).toBeLessThan(MB);
      expect(await reader.counts()).toEqual(first);
    } finally {
      await reader.close();
    }
  });
});
