import { type FileHandle, open, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { slugOf } from '../domain/keys.js';
import type { GraphDocument, PersonRecord, PlotEventRecord } from '../domain/records.js';
import { makeDirectory, unmakeDirectories } from '../file-system.js';
import type { ChangeLogReader, SeriesEventsPageRequest, StoreReader } from '../store/port.js';
import { PEOPLE_FILE, peopleFileParts, seriesFileName, seriesFileParts } from './canonical.js';

/** Series read per round of store calls: memory holds this many series' records, but their events, at most. */
const SERIES_PER_READ = 8;
/** Events of a series read per store call: memory holds this many of them at most. */
const EVENTS_PER_READ = 1000;
/** How often a series written to while it is exported is read again before export gives up. */
const SERIES_ATTEMPTS = 3;
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
  | 'eventsOfSeriesAfter'
  | 'listSeries'
  | 'listPeople'
  | 'peopleByKeys'
> &
  Pick<ChangeLogReader, 'changeLogBounds' | 'changesAfter'>;

/** What writing one series reads. */
type SeriesReader = Pick<Reader, Exclude<keyof Reader, 'listSeries' | 'listPeople' | 'peopleByKeys'>>;

/** The series of `keys` and everything in them but their events (seriesEvents reads those), as one document. */
async function seriesDocument(store: SeriesReader, keys: readonly string[]): Promise<GraphDocument> {
  const [series, episodes, characters, castings, credits, relationships] = await Promise.all([
    store.seriesByKeys(keys),
    store.episodesBySeries(keys),
    store.charactersBySeries(keys),
    store.castingsBySeries(keys),
    store.creditsBySeries(keys),
    store.relationshipsOfSeries(keys),
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
    events: [],
  };
}

/** A series' events, a page of at most EVENTS_PER_READ at a time, in port order. */
async function* seriesEvents(store: SeriesReader, seriesKey: string): AsyncGenerator<PlotEventRecord[]> {
  let after: SeriesEventsPageRequest['after'] = null;
  for (;;) {
    const page = await store.eventsOfSeriesAfter({ seriesKey, after, first: EVENTS_PER_READ });
    if (page.length > 0) yield page;
    if (page.length < EVENTS_PER_READ) return;
    const last = page.at(-1)!;
    after = { episodeNumber: last.episodeNumber, sequence: last.sequence };
  }
}

/** A write changed the series while it was read, so what was read may mix its states before and after that write. */
class SeriesChangedError extends Error {
  override readonly name = 'SeriesChangedError';
}

/** Where the change log stands: a series read from here on is whole if no change of it is logged after this. */
const logPosition = async (store: SeriesReader): Promise<number> => (await store.changeLogBounds()).latest;

async function changedSince(store: SeriesReader, seriesKey: string, since: number): Promise<boolean> {
  const changes = await store.changesAfter({ after: since, series: seriesKey, collections: null, first: 1 });
  return changes.items.length > 0;
}

/**
 * The text of one series' file in pieces: the parts read in `doc`, then its events a page at a time, so
 * memory holds one page of them. `tally.events` counts the events given. Throws SeriesChangedError instead of
 * the last piece (which closes the document) when a write changed the series since the log stood at `since`.
 */
async function* seriesFilePieces(
  store: SeriesReader,
  doc: GraphDocument,
  seriesKey: string,
  people: readonly PersonRecord[],
  since: number,
  tally: { events: number } = { events: 0 },
): AsyncGenerator<string> {
  const parts = seriesFileParts(doc, seriesKey, people);
  yield parts.head;
  for await (const page of seriesEvents(store, seriesKey)) {
    yield page.map((e) => parts.event(e, tally.events++ === 0)).join('');
  }
  if (await changedSince(store, seriesKey, since))
    throw new SeriesChangedError(`series "${slugOf(seriesKey)}" was written to while it was exported`);
  yield parts.tail(tally.events > 0);
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
  let made: string[];
  try {
    made = makeDirectory(dir);
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
  try {
    if (chosen !== null) {
      const wanted = [...new Set(chosen)].sort();
      const found = await store.seriesByKeys(wanted);
      const missing = wanted.filter((_, i) => found[i] === null);
      if (missing.length > 0)
        throw new ExportError(`no series ${missing.map((m) => `"${m}"`).join(', ')} in the store`);
      [total, keys] = [wanted.length, wanted];
    } else {
      [total, keys] = [(await store.listSeries({ first: 0, afterSlug: null })).totalCount, allSeriesKeys(store)];
    }
  } catch (error) {
    // Refused before any file: the directories made for it go again.
    unmakeDirectories(made);
    throw error;
  }

  const progress: ExportProgress = { seriesDone: 0, series: total, records: 0 };
  const named = new Set<string>();
  /** Writes one series' file, read again (up to SERIES_ATTEMPTS times) when a write changes it meanwhile; null when it is gone. */
  const writeSeries = async (seriesKey: string, read: { doc: GraphDocument; since: number }) => {
    for (let attempt = 1; ; attempt += 1) {
      const { doc, since } = read;
      const series = doc.series.find((x) => x.key === seriesKey);
      if (series === undefined) return null;
      try {
        const tally = { events: 0 };
        let released = 0;
        await writeAtomically(dir, seriesFileName(series.slug), async (put) => {
          for await (const piece of seriesFilePieces(store, doc, seriesKey, [], since, tally)) {
            await put(piece);
            if (tally.events - released < EVENTS_PER_READ) continue;
            released = tally.events;
            await options.afterBatch?.();
          }
        });
        return { doc, series, events: tally.events };
      } catch (error) {
        if (!(error instanceof SeriesChangedError)) throw error;
        if (attempt === SERIES_ATTEMPTS)
          throw new ExportError(`${error.message}, ${attempt} times in a row; export while nothing writes to it`);
        read = { since: await logPosition(store), doc: await seriesDocument(store, [seriesKey]) };
      }
    }
  };
  const writeGroup = async (group: string[]) => {
    const since = await logPosition(store);
    const doc = await seriesDocument(store, group);
    for (const key of group) {
      const written = await writeSeries(key, { doc, since });
      if (written === null) continue;
      const own = <T extends { seriesKey: string }>(records: readonly T[]) =>
        records.filter((r) => r.seriesKey === key);
      const { series } = written;
      if (chosen !== null) {
        for (const p of series.starring) named.add(p);
        for (const c of own(written.doc.castings)) named.add(c.personKey);
        for (const c of own(written.doc.credits)) named.add(c.personKey);
      }
      progress.seriesDone += 1;
      const { episodes, characters, castings, credits, relationships } = written.doc;
      progress.records +=
        1 +
        written.events +
        own(episodes).length +
        own(characters).length +
        own(castings).length +
        own(credits).length +
        own(relationships).length;
    }
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

/**
 * One series as a seed file of its own (the series and the people it names), as text in pieces of at most
 * one page of events; null when there is no such series. Reading the pieces throws SeriesChangedError instead
 * of the last one when a write changed the series meanwhile.
 */
export async function seriesExportParts(store: SeriesReader & Pick<Reader, 'peopleByKeys'>, slug: string) {
  const since = await logPosition(store);
  const doc = await seriesDocument(store, [slug]);
  const series = doc.series[0];
  if (series === undefined) return null;
  const named = new Set([
    ...series.starring,
    ...doc.castings.map((c) => c.personKey),
    ...doc.credits.map((c) => c.personKey),
  ]);
  const people = (await store.peopleByKeys([...named].sort())).filter((p) => p !== null);
  return seriesFilePieces(store, doc, series.key, people, since);
}
