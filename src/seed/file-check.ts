import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { scopedKey } from '../domain/keys.js';
import { type SeedIssue, SeedValidationError } from '../errors.js';
import { firstDuplicateKeyOf, MAX_JSON_DEPTH } from '../json-keys.js';
import { toGraphDocument } from './document.js';
import type { SeedEvent, SeedFile } from './format.js';
import { parseSeedShape, parseSeedValue } from './load.js';
import { fail, firstInvalidByte, openSeedFile, readOpenedSeedJson, refuseDuplicateKeys, unreadable } from './read.js';
import { eventPlacementIssues, findReferenceIssues, type PlacedEvent } from './references.js';
import { type EventBytes, SeedFileSplitter, SplitProblem } from './split.js';

/** A file larger than this is read in parts: its events a batch at a time, never the whole file at once. */
export const STREAM_FROM_BYTES = 16 * 1024 * 1024;
/** What a file read in parts may hold besides its events (people, series, episodes, characters, …), held whole. */
const MAX_REST_BYTES = 64 * 1024 * 1024;
/** One event's bytes; a valid event takes a few kilobytes at most. */
export const MAX_EVENT_BYTES = 1024 * 1024;
const READ_BYTES = 1024 * 1024;
const UTF8 = new TextDecoder('utf-8');
/** Issues reported of a file read in parts before it stops looking. */
const MAX_ISSUES = 1000;

export interface SeedFileCheck {
  maxBytes: number;
  /** Files larger are read in parts (STREAM_FROM_BYTES unless a test says otherwise). */
  streamFromBytes: number;
  /** Events validated, and later written, at a time in a file read in parts. */
  eventsPerRead: number;
  /** People declared by earlier files. */
  knownPeople: ReadonlySet<string>;
}

/** One series' events, in file order, as they are written. */
export interface EventsRead {
  seriesSlug: string;
  events: SeedEvent[];
  /** Bytes of the file read up to the last of them. */
  bytesRead: number;
}

/** A file that was read in parts: everything but its events, and its events to read again, checked again. */
interface StreamedSeedFile {
  /** The file with every series' `events` empty. */
  rest: SeedFile;
  events: number;
  size: number;
  /** Reads the events again, `eventsPerRead` at a time; throws SeedValidationError when the file has changed. */
  eventReads(): AsyncGenerator<EventsRead>;
  close(): Promise<void>;
}

export type CheckedSeedFile = { kind: 'whole'; seed: SeedFile } | ({ kind: 'streamed' } & StreamedSeedFile);

/**
 * Reads and validates one seed file. One of at most `streamFromBytes` is read whole (as readSeedJson, then the
 * schema and references). A larger one is read three times and never held: once for everything but its
 * events, which is validated; once for its events, validated `eventsPerRead` at a time against it, with the
 * checks that span the whole file (an event slug given twice, sequences 1..N in each episode) made at the
 * end; and once more, when it is written, by eventReads. Nothing of it is returned unless all of it is valid.
 */
export async function checkSeedFile(dir: string, name: string, check: SeedFileCheck): Promise<CheckedSeedFile> {
  const { handle, size } = await openSeedFile(dir, name, check.maxBytes);
  if (size <= check.streamFromBytes) {
    const raw = await readOpenedSeedJson(name, handle, Math.min(check.maxBytes, check.streamFromBytes));
    return { kind: 'whole', seed: parseSeedValue(name, raw, check.knownPeople) };
  }
  try {
    const reader = new PartsReader(name, handle, check);
    const rest = await reader.readRest();
    const { events, digest, parts } = await reader.validateEvents(rest);
    const seed = rest.seed!;
    return {
      kind: 'streamed',
      rest: seed,
      events,
      size,
      eventReads: () => reader.eventReads(rest, seed, { digest, parts }),
      close: () => handle.close(),
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

interface Rest {
  raw: { series: Record<string, unknown>[] } & Record<string, unknown>;
  /** Null when its shape is wrong. */
  seed: SeedFile | null;
  /** The people its events' parts may name: those declared before it, and its own. */
  people: ReadonlySet<string>;
  shapeIssues: SeedIssue[];
  otherIssues: SeedIssue[];
}

/** The offset of an incomplete UTF-8 sequence at the end of `bytes`, or its length when it ends on a whole one. */
function wholeUpTo(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back]!;
    if ((b & 0xc0) === 0x80) continue;
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return length > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

class PartsReader {
  constructor(
    private readonly file: string,
    private readonly handle: FileHandle,
    private readonly check: SeedFileCheck,
  ) {}

  /** Feeds every byte of the file to `splitter` (and `hash`), checking it is UTF-8; yields after each read. */
  private async *scan(splitter: SeedFileSplitter, hash?: ReturnType<typeof createHash>): AsyncGenerator<number> {
    const utf8 = new TextDecoder('utf-8', { fatal: true });
    let carry = Buffer.alloc(0);
    let position = 0;
    for (;;) {
      const buffer = Buffer.allocUnsafe(READ_BYTES);
      let bytesRead: number;
      try {
        ({ bytesRead } = await this.handle.read(buffer, 0, READ_BYTES, position));
      } catch (error) {
        return unreadable(this.file, error);
      }
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      try {
        utf8.decode(chunk, { stream: true });
      } catch {
        const at = position - carry.length + firstInvalidByte(Buffer.concat([carry, chunk]));
        fail(this.file, '(utf-8)', `is not valid UTF-8 (byte ${at})`, 'invalid-utf8');
      }
      carry = Buffer.from(chunk.subarray(wholeUpTo(chunk)));
      hash?.update(chunk);
      position += bytesRead;
      if (position > this.check.maxBytes)
        fail(this.file, '(file)', `holds more than the ${this.check.maxBytes} bytes one file may`, 'file-too-large');
      this.split(() => splitter.feed(chunk));
      yield position;
    }
    if (carry.length > 0)
      fail(this.file, '(utf-8)', `is not valid UTF-8 (byte ${position - carry.length})`, 'invalid-utf8');
  }

  private split<T>(step: () => T): T {
    try {
      return step();
    } catch (error) {
      if (!(error instanceof SplitProblem)) throw error;
      return fail(this.file, error.field, error.message, error.rule);
    }
  }

  private splitter(onEvent: (event: EventBytes) => void): SeedFileSplitter {
    const limits = { maxRestBytes: MAX_REST_BYTES, maxEventBytes: MAX_EVENT_BYTES, maxDepth: MAX_JSON_DEPTH };
    return new SeedFileSplitter(limits, onEvent);
  }

  /**
   * Reads the file for everything but its events, and checks it: its JSON (thrown at once), its shape and its
   * references. The issues of its shape and references are kept with those of the events (validateEvents).
   */
  async readRest(): Promise<Rest> {
    const splitter = this.splitter(() => {});
    for await (const _ of this.scan(splitter));
    const text = UTF8.decode(this.split(() => splitter.rest()));
    let raw: unknown;
    try {
      raw = JSON.parse(text);
      refuseDuplicateKeys(this.file, text, raw);
    } catch (error) {
      const where = ' (read in parts: positions count in the file with its events lists left empty)';
      if (error instanceof SeedValidationError)
        throw new SeedValidationError(error.issues.map((i) => ({ ...i, message: `${i.message}${where}` })));
      return fail(this.file, '(json)', `${(error as Error).message}${where}`, 'json');
    }
    const known = this.check.knownPeople;
    const rest: Rest = { raw: raw as Rest['raw'], seed: null, people: known, shapeIssues: [], otherIssues: [] };
    try {
      rest.seed = parseSeedShape(this.file, raw);
      rest.people = new Set([...known, ...rest.seed.people.map((p) => p.slug)]);
      const document = toGraphDocument([rest.seed]);
      rest.otherIssues = findReferenceIssues(this.file, rest.seed, document, known);
    } catch (error) {
      if (!(error instanceof SeedValidationError)) throw error;
      rest.shapeIssues = error.issues;
    }
    return rest;
  }

  /** One element's event, parsed: the issues of its JSON, or its value. */
  private parseEvent(e: EventBytes): { issues: SeedIssue[] } | { value: unknown } {
    const text = UTF8.decode(e.bytes);
    const field = `series.${e.series}.events.${e.index}`;
    const at = (line: number, column: number) =>
      `line ${e.line + line - 1}, column ${line === 1 ? e.column + column - 1 : column}`;
    const issue = (f: string, message: string, rule: 'json' | 'duplicate-key'): { issues: SeedIssue[] } => ({
      issues: [{ file: this.file, record: '(file)', field: f, message, rule }],
    });
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return issue(field, `${(error as Error).message} (in the event at ${at(1, 1)})`, 'json');
    }
    const duplicate = firstDuplicateKeyOf(text, value);
    if (duplicate !== null)
      return issue(
        [field, duplicate.path, duplicate.key].filter((p) => p !== '').join('.'),
        `is given twice in one object (again at ${at(duplicate.line, duplicate.column)}); JSON would keep ` +
          'only the last value, so give each key once',
        'duplicate-key',
      );
    return { value };
  }

  /** One series' events in the rest of the file; their indexes in the file start at `first`. */
  private partOf(rest: Rest, series: number, values: unknown[]) {
    return {
      ...rest.raw,
      people: [],
      series: rest.raw.series.map((s, i) => ({ ...s, events: i === series ? values : [] })),
    };
  }

  /** The events' shape (and the rest's, again), as the schema checks it: the events, or the issues. */
  private shapeOf(rest: Rest, read: Read): SeedIssue[] | SeedEvent[] {
    try {
      return parseSeedShape(this.file, this.partOf(rest, read.series, read.values)).series[read.series]!.events;
    } catch (error) {
      if (!(error instanceof SeedValidationError)) throw error;
      return error.issues.map((i) => shifted(i, read.first));
    }
  }

  /** The issues of the events' references and record rules, in the rest of the file (whose shape held). */
  private referenceIssues(rest: Rest, seed: SeedFile, read: Read, events: SeedEvent[]): SeedIssue[] {
    const part = {
      ...seed,
      people: [],
      series: seed.series.map((s, i) => ({ ...s, events: i === read.series ? events : [] })),
    };
    return findReferenceIssues(this.file, part, toGraphDocument([part]), rest.people, false).map((i) =>
      shifted(i, read.first),
    );
  }

  /**
   * Reads the file for its events and validates them, `eventsPerRead` at a time; throws SeedValidationError
   * with the issues of the file as reading it whole would (up to MAX_ISSUES): those of its JSON if any, else
   * those of its shape if any, else those of its references and rules. Returns how many events there are and
   * the file's digest.
   */
  async validateEvents(rest: Rest): Promise<Validated & { events: number }> {
    const parts: string[] = [];
    const jsonIssues: SeedIssue[] = [];
    const shapeIssues = [...rest.shapeIssues];
    const otherIssues = [...rest.otherIssues];
    const placed: PlacedEvent[] = [];
    let events = 0;
    const hash = createHash('sha256');
    for await (const read of this.reads(hash, jsonIssues)) {
      events += read.values.length;
      parts.push(read.bytes.digest('hex'));
      const shape = this.shapeOf(rest, read);
      if (isIssues(shape)) shapeIssues.push(...shape);
      else if (rest.seed !== null && shapeIssues.length === 0) {
        otherIssues.push(...this.referenceIssues(rest, rest.seed, read, shape));
        const seriesKey = rest.seed.series[read.series]!.slug;
        for (const [k, e] of shape.entries())
          placed.push({
            key: scopedKey(seriesKey, e.slug),
            seriesKey,
            episodeNumber: e.episode,
            sequence: e.sequence,
            series: read.series,
            index: read.first + k,
          });
      }
      if (jsonIssues.length + shapeIssues.length + otherIssues.length >= MAX_ISSUES) break;
    }
    const issues =
      jsonIssues.length > 0
        ? jsonIssues
        : shapeIssues.length > 0
          ? shapeIssues
          : [...otherIssues, ...eventPlacementIssues(this.file, placed)];
    if (issues.length > 0) throw new SeedValidationError(dedupe(issues).slice(0, MAX_ISSUES));
    return { events, digest: hash.digest('hex'), parts };
  }

  /** The file's events, parsed, a series and `eventsPerRead` at a time; JSON issues go to `issues`. */
  private async *reads(hash: ReturnType<typeof createHash>, issues: SeedIssue[]): AsyncGenerator<Read> {
    let pending: Read | null = null;
    const full: Read[] = [];
    const splitter = this.splitter((e) => {
      const parsed = this.parseEvent(e);
      if ('issues' in parsed) {
        issues.push(...parsed.issues);
        if (pending !== null) full.push(pending);
        pending = null;
        return;
      }
      if (pending !== null && (pending.series !== e.series || pending.values.length >= this.check.eventsPerRead)) {
        full.push(pending);
        pending = null;
      }
      pending ??= { series: e.series, first: e.index, values: [], bytesRead: 0, bytes: createHash('sha256') };
      pending.values.push(parsed.value);
      pending.bytes.update(e.bytes);
      pending.bytesRead = e.offset + e.bytes.length;
    });
    for await (const _ of this.scan(splitter, hash)) {
      while (full.length > 0) yield full.shift()!;
      if (issues.length >= MAX_ISSUES) return;
    }
    this.split(() => splitter.rest());
    if (pending !== null) yield pending;
  }

  /**
   * The file's events again, for writing: each part is the bytes validated (its digest is the same), so it
   * is only parsed again; a part that differs, or a file cut short or no longer UTF-8 or JSON, stops the reads
   * with `file-changed` before that part is written.
   */
  async *eventReads(rest: Rest, seed: SeedFile, validated: Validated): AsyncGenerator<EventsRead> {
    const issues: SeedIssue[] = [];
    const hash = createHash('sha256');
    let part = 0;
    try {
      for await (const read of this.reads(hash, issues)) {
        const same = issues.length === 0 && read.bytes.digest('hex') === validated.parts[part++];
        const found = same ? this.shapeOf(rest, read) : null;
        if (found === null || isIssues(found)) return this.changed();
        yield { seriesSlug: seed.series[read.series]!.slug, events: found, bytesRead: read.bytesRead };
      }
    } catch (error) {
      if (!(error instanceof SeedValidationError)) throw error;
      return this.changed();
    }
    if (hash.digest('hex') !== validated.digest) this.changed();
  }

  private changed(): never {
    return fail(
      this.file,
      '(file)',
      'changed while it was imported: the events written so far are kept, and importing it again completes it',
      'file-changed',
    );
  }
}

interface Validated {
  /** Of the whole file, and of each part's events. */
  digest: string;
  parts: string[];
}

interface Read {
  series: number;
  /** Index in the series' events of the first value. */
  first: number;
  values: unknown[];
  bytesRead: number;
  /** Of the values' bytes, so that a part read again is known to be the part validated. */
  bytes: ReturnType<typeof createHash>;
}

const isIssues = (found: SeedIssue[] | SeedEvent[]): found is SeedIssue[] => found.length > 0 && 'file' in found[0]!;

/** An issue of a part whose events start at `first`, with the event's index in the file. */
function shifted(issue: SeedIssue, first: number): SeedIssue {
  const path = issue.path;
  if (first === 0 || path?.[0] !== 'series' || path[2] !== 'events' || path[3] === undefined) return issue;
  const index = Number(path[3]) + first;
  return {
    ...issue,
    record: issue.record.replace(/ #\d+$/, ` #${index}`),
    path: [...path.slice(0, 3), String(index), ...path.slice(4)],
  };
}

function dedupe(issues: SeedIssue[]): SeedIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = JSON.stringify([i.record, i.field, i.rule, i.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
