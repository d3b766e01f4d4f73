import path from 'node:path';
import { type Database, open, type RootDatabase, type RootDatabaseOptions } from 'lmdb';
import { externalIdsOf } from '../../domain/build.js';
import { COLLECTIONS, type Collection, countsOf, type RecordOf } from '../../domain/collections.js';
import type { ExternalIds, GraphCounts, GraphDocument } from '../../domain/records.js';
import type { ImportStep } from '../port.js';
import { DataDirLock, ensureDirectory, fileSystemProblem } from './data-dir.js';
import { checkReadable, DATA_FILE } from './probe.js';

/**
 * overlappingSync defaults to on (non-Windows) and then resolves a write at commit, before the fsync;
 * turned off, LMDB's own commit syncs data and meta pages before lmdb-js resolves the write's promise.
 */
const LMDB_OPTIONS: RootDatabaseOptions = {
  overlappingSync: false,
  noSync: false,
  noMetaSync: false,
  useWritemap: false,
  cache: false,
  maxDbs: 16,
  // DATA_DIR is always a directory holding data.mdb and lock.mdb, even when its name has a dot.
  noSubdir: false,
};

type SubDatabases = { [C in Collection]: Database<RecordOf<C>, string> };

/** The lmdb side of the embedded store: one environment, one sub-database per record collection. */
export class EmbeddedDatabase {
  private constructor(
    private readonly root: RootDatabase,
    private readonly dbs: SubDatabases,
    private readonly lock: DataDirLock,
  ) {}

  /** Locks DATA_DIR for this process, checks an existing data.mdb in a child process, then opens it; throws DataDirError. */
  static async open(dataDir: string): Promise<EmbeddedDatabase> {
    ensureDirectory(dataDir);
    const lock = await DataDirLock.acquire(dataDir);
    try {
      await checkReadable(dataDir, COLLECTIONS);
      let root: RootDatabase;
      try {
        root = open({ ...LMDB_OPTIONS, path: dataDir });
      } catch (error) {
        throw fileSystemProblem(error, path.join(dataDir, DATA_FILE));
      }
      const sub = <C extends Collection>(name: C) => root.openDB<RecordOf<C>, string>({ name, encoding: 'msgpack' });
      try {
        const dbs = {
          people: sub('people'),
          series: sub('series'),
          episodes: sub('episodes'),
          characters: sub('characters'),
          castings: sub('castings'),
          credits: sub('credits'),
          relationships: sub('relationships'),
          events: sub('events'),
        };
        return new EmbeddedDatabase(root, dbs, lock);
      } catch (error) {
        await root.close();
        throw error;
      }
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  readAll(): GraphDocument {
    const all = <C extends Collection>(name: C): RecordOf<C>[] => Array.from(this.dbs[name].getRange(), (e) => e.value);
    // Series and people written before external ids existed have none.
    const withIds = <R extends { externalIds?: ExternalIds }>(r: R) => ({
      ...r,
      externalIds: externalIdsOf(r.externalIds),
    });
    return {
      people: all('people').map(withIds),
      series: all('series').map(withIds),
      episodes: all('episodes'),
      characters: all('characters'),
      castings: all('castings'),
      credits: all('credits'),
      relationships: all('relationships'),
      events: all('events'),
    };
  }

  /** Puts every record in one abortable transaction; resolves once it is committed and synced. */
  async write(document: GraphDocument, onStep?: (step: ImportStep) => void): Promise<void> {
    await this.root.childTransaction(() => {
      for (const collection of COLLECTIONS) {
        const records = document[collection];
        this.putAll(collection, records);
        onStep?.({ collection, done: records.length, total: records.length });
      }
    });
    await this.root.flushed;
  }

  /** Removes and puts in one transaction; resolves once it is committed and synced. */
  async apply(deletes: { [C in Collection]: readonly string[] }, upserts: GraphDocument): Promise<void> {
    await this.root.childTransaction(() => {
      for (const collection of COLLECTIONS) for (const key of deletes[collection]) this.dbs[collection].remove(key);
      for (const collection of COLLECTIONS) this.putAll(collection, upserts[collection]);
    });
    await this.root.flushed;
  }

  counts(): GraphCounts {
    const n = (c: Collection) => ({ length: this.dbs[c].getCount() });
    return countsOf({
      people: n('people'),
      series: n('series'),
      episodes: n('episodes'),
      characters: n('characters'),
      castings: n('castings'),
      credits: n('credits'),
      relationships: n('relationships'),
      events: n('events'),
    });
  }

  async clear(): Promise<void> {
    await this.root.childTransaction(() => {
      for (const collection of COLLECTIONS) {
        const db = this.dbs[collection];
        for (const key of Array.from(db.getKeys())) db.remove(key);
      }
    });
    await this.root.flushed;
  }

  async close(): Promise<void> {
    try {
      await this.root.close();
    } finally {
      this.lock.release();
    }
  }

  private putAll<C extends Collection>(collection: C, records: readonly RecordOf<C>[]): void {
    const db = this.dbs[collection];
    for (const record of records) db.put(record.key, record);
  }
}
