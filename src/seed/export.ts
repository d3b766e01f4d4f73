import { type FileHandle, open, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { GraphDocument, PersonRecord } from '../domain/records.js';
import { makeDirectory } from '../file-system.js';
import type { StoreReader } from '../store/port.js';
import { PEOPLE_FILE, peopleFileParts, seriesFileName, seriesFileText, standaloneSeriesText } from './canonical.js';

/** Series read per round of store calls: memory holds this many series' records at most. */
const SERIES_PER_READ = 8;
const PEOPLE_PER_READ = 1000;

interface ExportProgress {
  seriesDone: number;
  series: number;
  records: number;
}

export interface ExportOptions {
  /** Only these series (by slug) and the people they name; null or absent: every series and every person. */
  series?: readonly string[] | null;
  onProgress?: (progress: ExportProgress) => void;
  /** Awaited after each group of series (and each page of people) is read and written; nothing of the store is in use then. */
  afterBatch?: () => Promise<void>;
}

export interface ExportSummary {
  files: number;
  people: number;
  series: number;
  records: number;
}

/** The export cannot start (the directory holds seed files already, a named series does not exist) or cannot write a file. */
export class ExportError extends Error {
  override readonly name = 'ExportError';
}

type Reader = Pick<
  StoreReader,
  | 'seriesByKeys'
  | 'episodesBySeries'
  | 'charactersBySeries'
  | 'castingsBySeries'
  | 'creditsBySeries'
  | 'relationshipsOfSeries'
  | 'eventsOfSeries'
  | 'listSeries'
  | 'listPeople'
  | 'peopleByKeys'
>;

/** The series of `keys` and everything in them, as one document. */
async function seriesDocument(
  store: Pick<Reader, Exclude<keyof Reader, 'listSeries' | 'listPeople' | 'peopleByKeys'>>,
  keys: readonly string[],
): Promise<GraphDocument> {
  const [series, episodes, characters, castings, credits, relationships, events] = await Promise.all([
    store.seriesByKeys(keys),
    store.episodesBySeries(keys),
    store.charactersBySeries(keys),
    store.castingsBySeries(keys),
    store.creditsBySeries(keys),
    store.relationshipsOfSeries(keys),
    store.eventsOfSeries(keys),
  ]);
  const distinct = <T extends { key: string }>(lists: T[][]) => [
    ...new Map(lists.flat().map((r) => [r.key, r])).values(),
  ];
  return {
    people: [],
    series: series.filter((s) => s !== null),
    episodes: episodes.flat(),
    characters: characters.flat(),
    castings: castings.flat(),
    credits: credits.flat(),
    relationships: distinct(relationships),
    events: events.flat(),
  };
}

/** Writes all of `text`: a write may take only part of it (a disk filling up), so it loops. */
async function writeAll(handle: FileHandle, text: string): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  for (let offset = 0; offset < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset, null);
    if (bytesWritten <= 0) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    offset += bytesWritten;
  }
}

/**
 * Writes a file whole or not at all: to a temporary name first, synced, renamed once complete. On any
 * failure the temporary file is removed and an ExportError names the file; the final name never appears.
 */
async function writeAtomically(
  dir: string,
  name: string,
  write: (put: (text: string) => Promise<void>) => Promise<void>,
) {
  const temporary = path.join(dir, `.${name}.partial`);
  let handle: FileHandle | null = null;
  try {
    handle = await open(temporary, 'w');
    await write((text) => writeAll(handle as FileHandle, text));
    await handle.sync();
    await handle.close();
    handle = null;
    await rename(temporary, path.join(dir, name));
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temporary, { force: true }).catch(() => undefined);
    const code = (error as NodeJS.ErrnoException | null)?.code;
    if (typeof code !== 'string') throw error;
    throw new ExportError(
      `cannot write ${name} into ${dir} (${code}${code === 'ENOSPC' ? ': the disk is full' : ''}); the files written before it are complete, nothing of ${name} is kept`,
    );
  }
}

async function* allSeriesKeys(store: Reader): AsyncGenerator<string> {
  let after: string | null = null;
  for (;;) {
    const page = await store.listSeries({ first: 100, afterSlug: after });
    for (const s of page.items) yield s.key;
    if (!page.hasNextPage || page.items.length === 0) return;
    after = page.items.at(-1)!.slug;
  }
}

/**
 * Writes the store's data into `dir` in the canonical seed format (see canonical.ts): one file per
 * series, read SERIES_PER_READ series at a time, and PEOPLE_FILE, read PEOPLE_PER_READ people at a time.
 * Each file appears whole (written under a temporary name, then renamed). The store is read series by
 * series, not in one snapshot: run it while nothing writes, or a series written meanwhile may be exported
 * as it was before or after that write (on Neo4j, even partly).
 */
export async function exportSeedDirectory(
  store: Reader,
  dir: string,
  options: ExportOptions = {},
): Promise<ExportSummary> {
  try {
    makeDirectory(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'an error';
    throw new ExportError(`cannot make the export directory ${dir} (${code}); give a directory you may write`);
  }
  const existing = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  if (existing.length > 0)
    throw new ExportError(`${dir} holds seed files already (${existing[0]}); export into an empty directory`);

  const chosen = options.series ?? null;
  let total: number;
  let keys: AsyncIterable<string> | Iterable<string>;
  if (chosen !== null) {
    const wanted = [...new Set(chosen)].sort();
    const found = await store.seriesByKeys(wanted);
    const missing = wanted.filter((_, i) => found[i] === null);
    if (missing.length > 0) throw new ExportError(`no series ${missing.map((m) => `"${m}"`).join(', ')} in the store`);
    [total, keys] = [wanted.length, wanted];
  } else {
    [total, keys] = [(await store.listSeries({ first: 0, afterSlug: null })).totalCount, allSeriesKeys(store)];
  }

  const progress: ExportProgress = { seriesDone: 0, series: total, records: 0 };
  const named = new Set<string>();
  const writeGroup = async (group: string[]) => {
    const doc = await seriesDocument(store, group);
    for (const s of doc.series) {
      await writeAtomically(dir, seriesFileName(s.slug), (put) => put(seriesFileText(doc, s.key)));
      if (chosen !== null) {
        for (const p of s.starring) named.add(p);
        for (const c of doc.castings) if (c.seriesKey === s.key) named.add(c.personKey);
        for (const c of doc.credits) if (c.seriesKey === s.key) named.add(c.personKey);
      }
    }
    progress.seriesDone += doc.series.length;
    progress.records += Object.values(doc).reduce((n, list) => n + list.length, 0);
    options.onProgress?.({ ...progress });
    await options.afterBatch?.();
  };
  let group: string[] = [];
  for await (const key of keys) {
    group.push(key);
    if (group.length < SERIES_PER_READ) continue;
    await writeGroup(group);
    group = [];
  }
  if (group.length > 0) await writeGroup(group);

  let people = 0;
  await writeAtomically(dir, PEOPLE_FILE, async (put) => {
    await put(peopleFileParts.head);
    const write = async (page: PersonRecord[]) => {
      for (const p of page) await put(peopleFileParts.person(p, people++ === 0));
      await options.afterBatch?.();
    };
    if (chosen !== null) {
      const wanted = [...named].sort();
      for (let i = 0; i < wanted.length; i += PEOPLE_PER_READ) {
        const page = await store.peopleByKeys(wanted.slice(i, i + PEOPLE_PER_READ));
        await write(page.filter((p) => p !== null));
      }
    } else {
      let after: string | null = null;
      for (;;) {
        const page = await store.listPeople({ first: PEOPLE_PER_READ, afterKey: after });
        await write(page);
        if (page.length < PEOPLE_PER_READ) break;
        after = page.at(-1)!.key;
      }
    }
    await put(peopleFileParts.tail(people > 0));
  });
  progress.records += people;
  options.onProgress?.({ ...progress });
  return { files: progress.seriesDone + 1, people, series: progress.seriesDone, records: progress.records };
}

/** One series as a seed file of its own: the series and the people it names; null when there is no such series. */
export async function seriesExportText(
  store: Pick<Reader, Exclude<keyof Reader, 'listSeries' | 'listPeople'>>,
  slug: string,
): Promise<string | null> {
  const doc = await seriesDocument(store, [slug]);
  const series = doc.series[0];
  if (series === undefined) return null;
  const named = new Set([
    ...series.starring,
    ...doc.castings.map((c) => c.personKey),
    ...doc.credits.map((c) => c.personKey),
  ]);
  const people = (await store.peopleByKeys([...named].sort())).filter((p) => p !== null);
  return standaloneSeriesText({ ...doc, people }, series.key);
}
