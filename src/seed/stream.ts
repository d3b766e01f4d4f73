import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { eventRecord } from '../domain/build.js';
import { emptyDocument, perCollection } from '../domain/collections.js';
import type { GraphCounts, GraphDocument } from '../domain/records.js';
import { type SeedIssue, SeedValidationError } from '../errors.js';
import type { DramaStore, ImportStep } from '../store/port.js';
import { toGraphDocument } from './document.js';
import { type CheckedSeedFile, checkSeedFile, type EventsRead, STREAM_FROM_BYTES } from './file-check.js';
import type { SeedFile } from './format.js';
import { DeclaredOnce } from './load.js';
import { MAX_FILE_BYTES } from './read.js';

/** Records (people, series and everything in them) written per importDocument, unless one file alone holds more. */
export const BATCH_RECORDS = 5_000;
/**
 * `npm run import`'s default on the embedded store: the pages one lmdb transaction touches (copied into the
 * heap while it writes, and mapped from data.mdb) grow with the batch, and they make most of its peak RSS.
 */
export const EMBEDDED_BATCH_RECORDS = 2_000;

export interface ImportProgress {
  /** Files read so far (written, waiting in the batch, or rejected). */
  filesDone: number;
  files: number;
  /** Bytes of the files written or rejected so far, of `bytes` in all: the ETA's measure. */
  bytesDone: number;
  bytes: number;
  /** Records written so far. */
  records: number;
  /** Batches committed so far. */
  batches: number;
}

export interface DirectoryImportOptions {
  batchRecords?: number;
  /** Skip bad files (listed in the result) instead of stopping at the first. */
  keepGoing?: boolean;
  maxFileBytes?: number;
  /** Files larger are read in parts (default STREAM_FROM_BYTES). */
  streamFromBytes?: number;
  onProgress?: (progress: ImportProgress) => void;
  /** The store's steps inside the write of batch `batch` (1-based), before it commits. */
  onWriteStep?: (batch: number, step: ImportStep) => void;
  /**
   * Awaited after each batch is committed, before the next file is read; nothing of the store is in use then.
   * `endsFiles`: the batch was whole files, or the last of a file read in parts (then it may be called once more,
   * with no write, when that file ends).
   */
  afterBatch?: (batch: { endsFiles: boolean }) => Promise<void>;
}

interface RejectedFile {
  file: string;
  issues: SeedIssue[];
  /** Some of it was written before it was refused (a file read in parts that changed meanwhile). */
  partlyWritten: boolean;
}

/**
 * A file read in parts that was refused after some of its parts were written (it changed, or was cut, while
 * it was imported): what was written stays, and importing it again completes it.
 */
export class PartlyWrittenError extends SeedValidationError {
  readonly partlyWritten = true;
}

/** Events checked, and written, at a time in a file read in parts, whatever `batchRecords` says: each part is checked against the rest of its file. */
const MIN_EVENTS_PER_PART = 100;

export interface DirectoryImport {
  files: number;
  /** Write transactions (importDocument calls) made. */
  batches: number;
  written: GraphCounts;
  /** The files skipped with `keepGoing`, in name order. */
  rejected: RejectedFile[];
}

/**
 * The store failed while these files were written (it went away, or timed out). Every batch before is written;
 * of these, what their finished batches hold. Importing again completes them, as after a kill.
 */
export class ImportWriteError extends Error {
  override readonly name = 'ImportWriteError';
  constructor(
    readonly files: readonly string[],
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `The store failed while ${files.join(', ')} ${files.length === 1 ? 'was' : 'were'} written (${reason}). ` +
        'The files before are written; part of these may be: import again to complete them.',
      { cause },
    );
  }
}

/** The directory itself cannot be imported: missing, not a directory, or holding no seed file. */
export class ImportDirectoryError extends Error {
  override readonly name = 'ImportDirectoryError';
}

/** Every `*.json` name in the directory, in code-unit order; throws ImportDirectoryError when there is none. */
async function seedFileNames(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new ImportDirectoryError(`${dir} cannot be read as a directory: ${(error as Error).message}`);
  }
  const seeds = names.filter((n) => n.endsWith('.json')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (seeds.length === 0) throw new ImportDirectoryError(`${dir} holds no *.json seed file`);
  return seeds;
}

function recordCount(seed: SeedFile): number {
  let n = seed.people.length;
  for (const s of seed.series) {
    n += 1 + s.episodes.length + s.characters.length + s.castings.length + s.credits.length;
    n += s.relationships.length + s.events.length;
  }
  return n;
}

const sizeOf = (file: string): Promise<number> =>
  stat(file).then(
    (s) => (s.isFile() ? s.size : 0),
    () => 0,
  );

function addCounts(total: GraphCounts, more: GraphCounts): GraphCounts {
  return perCollection((c) => total[c] + more[c]);
}

/**
 * Imports a seed directory file by file with memory bounded by one batch: each `*.json` file, in name
 * order, is read, checked (schema, references, each person and series declared once) and added to the
 * batch, which is written with one `importDocument` once it holds `batchRecords` records. A person must be
 * declared in an earlier file or the same one. A bad file is never written: the files before it are
 * (the batch is flushed), then it throws SeedValidationError naming the file, the record, the field and
 * the rule; with `keepGoing` it is skipped and listed instead. Records are upserted by key, so importing
 * again changes nothing and completes an import that stopped part-way.
 */
export async function importSeedDirectory(
  store: DramaStore,
  dir: string,
  options: DirectoryImportOptions = {},
): Promise<DirectoryImport> {
  const names = await seedFileNames(dir);
  const sizes = await Promise.all(names.map((n) => sizeOf(path.join(dir, n))));
  const progress: ImportProgress = {
    filesDone: 0,
    files: names.length,
    bytesDone: 0,
    bytes: sizes.reduce((a, b) => a + b, 0),
    records: 0,
    batches: 0,
  };
  const limit = options.batchRecords ?? BATCH_RECORDS;
  const people = new Set<string>();
  const declared = new DeclaredOnce();
  const rejected: RejectedFile[] = [];
  let written = perCollection(() => 0);
  let batch: { name: string; seed: SeedFile }[] = [];
  let batchRecords = 0;
  let batchBytes = 0;

  const write = async (files: readonly string[], document: GraphDocument, bytes: number, endsFiles = true) => {
    const number = progress.batches + 1;
    const onStep = options.onWriteStep && ((step: ImportStep) => options.onWriteStep!(number, step));
    let counts: GraphCounts;
    try {
      counts = await store.importDocument(document, onStep);
    } catch (error) {
      throw new ImportWriteError(files, error);
    }
    written = addCounts(written, counts);
    progress.batches = number;
    progress.records += Object.values(counts).reduce((a, b) => a + b, 0);
    progress.bytesDone += bytes;
    options.onProgress?.({ ...progress });
    await options.afterBatch?.({ endsFiles });
  };
  const flush = async () => {
    if (batch.length === 0) return;
    const [files, bytes] = [batch, batchBytes];
    [batch, batchRecords, batchBytes] = [[], 0, 0];
    await write(
      files.map((f) => f.name),
      toGraphDocument(files.map((f) => f.seed)),
      bytes,
    );
  };
  const reject = (name: string, error: SeedValidationError, bytes: number) => {
    rejected.push({ file: name, issues: error.issues, partlyWritten: error instanceof PartlyWrittenError });
    progress.bytesDone += bytes;
    options.onProgress?.({ ...progress });
  };

  for (const [i, name] of names.entries()) {
    let file: CheckedSeedFile | undefined;
    let seed: SeedFile;
    try {
      file = await checkSeedFile(dir, name, {
        maxBytes: options.maxFileBytes ?? MAX_FILE_BYTES,
        streamFromBytes: options.streamFromBytes ?? STREAM_FROM_BYTES,
        eventsPerRead: Math.max(limit, MIN_EVENTS_PER_PART),
        knownPeople: people,
      });
      seed = file.kind === 'whole' ? file.seed : file.rest;
      const issues = declared.check(name, seed);
      if (issues.length > 0) throw new SeedValidationError(issues);
    } catch (error) {
      if (file?.kind === 'streamed') await file.close();
      if (!(error instanceof SeedValidationError)) throw error;
      progress.filesDone = i + 1;
      if (!options.keepGoing) {
        await flush();
        throw error;
      }
      reject(name, error, sizes[i]!);
      continue;
    }
    declared.declare(name, seed);
    for (const p of seed.people) people.add(p.slug);
    progress.filesDone = i + 1;
    if (file.kind === 'whole') {
      batch.push({ name, seed });
      batchRecords += recordCount(seed);
      batchBytes += sizes[i]!;
      if (batchRecords >= limit) await flush();
      continue;
    }
    await flush();
    try {
      const bytesWritten = await writeInParts(file, (document, bytes) => write([name], document, bytes, false));
      progress.bytesDone += sizes[i]! - bytesWritten;
      options.onProgress?.({ ...progress });
    } catch (error) {
      if (!(error instanceof SeedValidationError) || !options.keepGoing) throw error;
      reject(name, error, 0);
    } finally {
      await file.close();
    }
    await options.afterBatch?.({ endsFiles: true });
  }
  await flush();
  return { files: names.length, batches: progress.batches, written, rejected };
}

/** One series' events as records, and nothing else. */
function eventsDocument(read: EventsRead): GraphDocument {
  const document = emptyDocument();
  for (const e of read.events) document.events.push(eventRecord(read.seriesSlug, e));
  return document;
}

/**
 * Writes a file read in parts: everything but its events in one batch, then its events, a batch at a time
 * in file order, each read again as it is written.
 */
async function writeInParts(
  file: CheckedSeedFile & { kind: 'streamed' },
  write: (document: GraphDocument, bytes: number) => Promise<void>,
): Promise<number> {
  let bytesDone = 0;
  await write(toGraphDocument([file.rest]), 0);
  try {
    for await (const read of file.eventReads()) {
      await write(eventsDocument(read), read.bytesRead - bytesDone);
      bytesDone = read.bytesRead;
    }
  } catch (error) {
    if (!(error instanceof SeedValidationError)) throw error;
    throw new PartlyWrittenError(error.issues);
  }
  return bytesDone;
}
