import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { perCollection } from '../domain/collections.js';
import type { GraphCounts, GraphDocument } from '../domain/records.js';
import { type SeedIssue, SeedValidationError } from '../errors.js';
import type { DramaStore } from '../store/port.js';
import { toGraphDocument } from './document.js';
import type { SeedFile } from './format.js';
import { DeclaredOnce, parseSeedText } from './load.js';

/** Records (people, series and everything in them) written per transaction, unless one file alone holds more. */
const BATCH_RECORDS = 5_000;

export interface DirectoryStep {
  phase: 'validate' | 'write';
  filesDone: number;
  files: number;
  records: number;
}

export interface DirectoryImportOptions {
  batchRecords?: number;
  onStep?: (step: DirectoryStep) => void;
}

/** What the validating pass keeps of a directory: the file names and the people they declare, nothing else. */
export interface ValidatedDirectory {
  dir: string;
  names: string[];
  people: ReadonlySet<string>;
  records: number;
}

async function seedFileNames(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
}

function recordCount(seed: SeedFile): number {
  let n = seed.people.length;
  for (const s of seed.series) {
    n += 1 + s.episodes.length + s.characters.length + s.castings.length + s.credits.length;
    n += s.relationships.length + s.events.length;
  }
  return n;
}

async function readSeed(dir: string, name: string, people: ReadonlySet<string>): Promise<SeedFile> {
  return parseSeedText(name, await readFile(path.join(dir, name), 'utf8'), people);
}

/**
 * Reads and checks every file in name order, one at a time, so a person must be declared in an earlier
 * file (or the same one). Throws one SeedValidationError naming every issue of every bad file.
 */
export async function validateSeedDirectory(
  dir: string,
  onStep?: DirectoryImportOptions['onStep'],
): Promise<ValidatedDirectory> {
  const names = await seedFileNames(dir);
  const people = new Set<string>();
  const declared = new DeclaredOnce();
  const issues: SeedIssue[] = [];
  let records = 0;
  for (const [i, name] of names.entries()) {
    try {
      const seed = await readSeed(dir, name, people);
      for (const p of seed.people) people.add(p.slug);
      issues.push(...declared.check(name, seed));
      records += recordCount(seed);
    } catch (error) {
      if (!(error instanceof SeedValidationError)) throw error;
      issues.push(...error.issues);
    }
    onStep?.({ phase: 'validate', filesDone: i + 1, files: names.length, records });
  }
  if (issues.length > 0) throw new SeedValidationError(issues);
  return { dir, names, people, records };
}

/** The validated files again, as documents of whole files holding about `batchRecords` records each. */
async function* seedBatches(
  validated: ValidatedDirectory,
  batchRecords = BATCH_RECORDS,
): AsyncGenerator<[GraphDocument, number]> {
  let batch: SeedFile[] = [];
  let size = 0;
  for (const name of validated.names) {
    const seed = await readSeed(validated.dir, name, validated.people);
    batch.push(seed);
    size += recordCount(seed);
    if (size >= batchRecords) {
      yield [toGraphDocument(batch), batch.length];
      [batch, size] = [[], 0];
    }
  }
  if (batch.length > 0) yield [toGraphDocument(batch), batch.length];
}

function addCounts(total: GraphCounts, more: GraphCounts): GraphCounts {
  const sum = { ...total };
  for (const key of Object.keys(sum) as (keyof GraphCounts)[]) sum[key] += more[key];
  return sum;
}

function zeroCounts(): GraphCounts {
  return perCollection(() => 0);
}

/**
 * Imports a seed directory with bounded memory: a first pass validates every file and keeps only the
 * people's slugs, so a bad file anywhere writes nothing; a second pass writes whole files in batches,
 * one transaction (`importDocument`) each. A failure while writing leaves the earlier batches written;
 * the import upserts, so running it again completes it.
 */
export async function importSeedDirectory(
  store: DramaStore,
  dir: string,
  options: DirectoryImportOptions = {},
): Promise<GraphCounts> {
  const validated = await validateSeedDirectory(dir, options.onStep);
  let written = zeroCounts();
  let filesDone = 0;
  for await (const [document, files] of seedBatches(validated, options.batchRecords)) {
    written = addCounts(written, await store.importDocument(document));
    filesDone += files;
    const records = Object.values(written).reduce((a, b) => a + b, 0);
    options.onStep?.({ phase: 'write', filesDone, files: validated.names.length, records });
  }
  return written;
}
