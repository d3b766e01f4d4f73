import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import type { GraphDocument } from '../domain/records.js';
import { type SeedIssue, SeedValidationError } from '../errors.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { ruleOf } from '../writes/fields.js';
import { toGraphDocument } from './document.js';
import { type SeedFile, seedFileSchema } from './format.js';
import { refuseDuplicateKeys } from './read.js';
import { findReferenceIssues } from './references.js';

function describeRecord(value: unknown, pathParts: readonly PropertyKey[]): string {
  let node: unknown = value;
  let record = '(file)';
  const trail: string[] = [];
  for (const part of pathParts) {
    trail.push(String(part));
    node = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[part] : undefined;
    if (typeof part === 'number' && node !== null && typeof node === 'object') {
      const { slug, number } = node as { slug?: unknown; number?: unknown };
      const name = typeof slug === 'string' ? `"${slug}"` : typeof number === 'number' ? String(number) : `#${part}`;
      record = `${trail.slice(0, -1).join('.')} ${name}`;
    }
  }
  return record;
}

function schemaIssues(file: string, raw: unknown, error: z.ZodError): SeedIssue[] {
  return error.issues.map((issue) => {
    const recordDepth = issue.path.findLastIndex((p) => typeof p === 'number');
    const field = issue.path.slice(recordDepth + 1).join('.') || '(record)';
    return {
      file,
      record: describeRecord(raw, issue.path.slice(0, recordDepth + 1)),
      field,
      message: issue.message,
      rule: ruleOf(issue),
      path: issue.path.map(String),
    };
  });
}

/** Remembers which file declared each person and series, so a later file cannot silently replace them. */
export class DeclaredOnce {
  private readonly files = new Map<string, string>();

  /** The issues of declaring the file's people and series; declares nothing (see declare). */
  check(file: string, seed: SeedFile): SeedIssue[] {
    const issues: SeedIssue[] = [];
    const once = (kind: string, slug: string) => {
      const first = this.files.get(`${kind} ${slug}`);
      if (first !== undefined)
        issues.push({
          file,
          record: `${kind} "${slug}"`,
          field: 'slug',
          message: `is already declared in ${first}: each record is given once`,
          rule: 'duplicate',
        });
    };
    for (const p of seed.people) once('person', p.slug);
    for (const s of seed.series) once('series', s.slug);
    return issues;
  }

  declare(file: string, seed: SeedFile): void {
    for (const p of seed.people) if (!this.files.has(`person ${p.slug}`)) this.files.set(`person ${p.slug}`, file);
    for (const s of seed.series) if (!this.files.has(`series ${s.slug}`)) this.files.set(`series ${s.slug}`, file);
  }
}

/** Parses and validates one seed file's text; nothing is returned unless all of it is valid. */
export function parseSeedText(file: string, text: string, knownPeople: ReadonlySet<string> = new Set()): SeedFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new SeedValidationError([{ file, record: '(file)', field: '(json)', message: (error as Error).message }]);
  }
  refuseDuplicateKeys(file, text, raw);
  return parseSeedValue(file, raw, knownPeople);
}

/**
 * Validates one seed document already parsed from JSON; nothing is returned unless all of it is valid.
 * `wholeEpisodes`: the document gives every event of the episodes it names (a seed file), not an addition.
 */
export function parseSeedValue(
  file: string,
  raw: unknown,
  knownPeople: ReadonlySet<string> = new Set(),
  wholeEpisodes = true,
): SeedFile {
  const seed = parseSeedShape(file, raw);
  const issues = findReferenceIssues(file, seed, toGraphDocument([seed]), knownPeople, wholeEpisodes);
  if (issues.length > 0) throw new SeedValidationError(issues);
  return seed;
}

/** Checks one seed document against the format's schema only; references and record rules are not checked. */
export function parseSeedShape(file: string, raw: unknown): SeedFile {
  const parsed = seedFileSchema.safeParse(raw);
  if (!parsed.success) throw new SeedValidationError(schemaIssues(file, raw, parsed.error));
  return parsed.data;
}

/** The seed directory itself could not be listed: missing, not a directory, or not readable. */
export class SeedDirectoryError extends Error {
  constructor(
    readonly path: string,
    readonly errno: string,
  ) {
    super(`seed directory ${path} cannot be read (${errno})`);
    this.name = 'SeedDirectoryError';
  }
}

/** Reads every *.json seed file of a directory, in name order, validating all before returning any. */
export async function loadSeedDirectory(dir: string): Promise<GraphDocument> {
  const listed = await readdir(dir).catch((error: { code?: unknown }) => {
    throw new SeedDirectoryError(dir, typeof error.code === 'string' ? error.code : 'UNKNOWN');
  });
  const names = listed.filter((n) => n.endsWith('.json')).sort();
  const texts = await Promise.all(names.map((n) => readFile(path.join(dir, n), 'utf8')));
  const people = new Set<string>();
  const declared = new DeclaredOnce();
  const files: SeedFile[] = [];
  const issues: SeedIssue[] = [];
  for (const [i, name] of names.entries()) {
    try {
      const seed = parseSeedText(name, texts[i]!, people);
      for (const p of seed.people) people.add(p.slug);
      for (const issue of declared.check(name, seed)) issues.push(issue);
      declared.declare(name, seed);
      files.push(seed);
    } catch (error) {
      if (!(error instanceof SeedValidationError)) throw error;
      for (const issue of error.issues) issues.push(issue);
    }
  }
  if (issues.length > 0) throw new SeedValidationError(issues);
  return toGraphDocument(files);
}

export const DEFAULT_SEED_DIR = path.join(PACKAGE_ROOT, 'seeds');
