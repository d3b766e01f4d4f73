import { episodeKey } from '../../domain/keys.js';
import type { CharacterRecord, EpisodeRecord, PlotEventRecord, SeriesRecord } from '../../domain/records.js';
import {
  type EpisodeEventsQuery,
  type EventsPage,
  type EventsPageRequest,
  emptyPlannedAnswer,
  type FirstShown,
  type Page,
  type PlannedAnswer,
  type PlannedRead,
  type SeriesPageRequest,
  type SeriesSelection,
} from '../port.js';
import type { EmbeddedDatabase } from './database.js';
import type { IndexKey, IndexName } from './layout.js';
import { holdsAt, pageKeys, type ScanTurns } from './queries.js';
import type { EmbeddedReads } from './reads.js';

/** findEvents over one snapshot; a long scan takes turns of the event loop as `turns` says (none: in one go). */
export async function eventsPage(
  reads: EmbeddedReads,
  db: EmbeddedDatabase,
  request: EventsPageRequest,
  turns?: ScanTurns,
): Promise<EventsPage> {
  const { filter, first, after } = request;
  const { total, hidden } = await reads.totalsOf(filter, turns);
  const page = await pageKeys(db, filter, first, after, turns);
  return {
    items: reads.present('events', page.keys),
    hasNextPage: page.hasNextPage,
    totalCount: total,
    hiddenCount: hidden,
  };
}

/** listSeries over one snapshot. */
export function seriesPage(reads: EmbeddedReads, db: EmbeddedDatabase, { first, afterSlug }: SeriesPageRequest) {
  const keys: string[] = [];
  let hasNextPage = false;
  for (const { key } of db.scan('seriesBySlug', [], afterSlug === null ? [] : [afterSlug])) {
    if (afterSlug !== null && key[0] === afterSlug) continue;
    if (keys.length === first) {
      hasNextPage = true;
      break;
    }
    keys.push(key[1] as string);
  }
  const page: Page<SeriesRecord> = {
    items: reads.present('series', keys),
    hasNextPage,
    totalCount: db.counts().series,
  };
  return page;
}

/** relationshipsOf over one snapshot. */
export const relationshipsAt = (reads: EmbeddedReads, characterKey: string, asOfEpisode: number | null) =>
  reads.listed('relationships', 'relationshipsByCharacter', [characterKey]).filter((r) => holdsAt(r, asOfEpisode));

/** eventsOfEpisodes over one snapshot. */
export function episodeEvents(reads: EmbeddedReads, { episodeKey: key, kinds }: EpisodeEventsQuery): PlotEventRecord[] {
  const cut = key.lastIndexOf('/');
  const seriesKey = key.slice(0, Math.max(cut, 0));
  const number = Number(key.slice(cut + 1));
  if (cut < 0 || episodeKey(seriesKey, number) !== key) return [];
  return reads.present('events', reads.eventKeys('eventsByPosition', [seriesKey, number], kinds));
}

/** The first key an index lists under `prefix`, from `from` on. */
function firstKey(db: EmbeddedDatabase, index: IndexName, prefix: IndexKey, from: IndexKey = prefix) {
  for (const key of db.scanKeys(index, prefix, from)) return key;
  return undefined;
}

/**
 * FirstShown from the order of two indexes alone, reading no record: eventsByCharacter lists only the events a
 * character takes part in, in story order, and relationshipsByCharacter lists relationships by the episode they
 * start in (0 for none).
 */
export function firstShown(db: EmbeddedDatabase, characterKey: string): FirstShown {
  const event = firstKey(db, 'eventsByCharacter', [characterKey]);
  const since = firstKey(db, 'relationshipsByCharacter', [characterKey], [characterKey, 1]);
  return {
    characterKey,
    earliestEvent: event === undefined ? null : (event[2] as number),
    earliestSince: since === undefined ? null : (since[1] as number),
  };
}

/**
 * Once the process has run this long since the event loop last turned, every long read waits for the next turn
 * (timers, sockets, the execution budget) before it goes on: the slice is the process's, not each read's, so eight
 * store-wide scans at once held /health no longer than one (each had its own 20 ms, and they ran one after another
 * between turns: 1.5 s, red team 57).
 */
const TURN_MS = 20;

let sliceStarted = 0;
/** A marker turn is scheduled: the loop has not turned since sliceStarted. */
let marking = false;
let sharedTurn: Promise<void> | null = null;

/** Whether the slice is over: the long reads should take a turn now. */
export function sliceOver(): boolean {
  if (sharedTurn !== null) return true;
  if (!marking) {
    marking = true;
    sliceStarted = performance.now();
    setImmediate(() => {
      marking = false;
    });
    return false;
  }
  return performance.now() - sliceStarted >= TURN_MS;
}

/** The next turn of the loop, one for every long read waiting. */
export function nextSharedTurn(): Promise<void> {
  sharedTurn ??= new Promise((resolve) =>
    setImmediate(() => {
      sharedTurn = null;
      resolve();
    }),
  );
  return sharedTurn;
}

const eventCharacters = (e: PlotEventRecord) => [
  ...(e.agentKey === null ? [] : [e.agentKey]),
  ...(e.targetKey === null ? [] : [e.targetKey]),
  ...e.participants.map((p) => p.characterKey),
];

/** A write landed while a read of one snapshot was taking turns of the event loop. */
export class DataMovedError extends Error {
  override readonly name = 'DataMovedError';
  constructor() {
    super('The data changed during a read that took turns of the event loop.');
  }
}

/**
 * Ends this turn of the event loop, so that timers (the execution budget) can fire during a long read; the read
 * stops if `signal` was aborted meanwhile, and fails (a planned read's fields use the loaders) if a write moved the data.
 */
async function nextPart(reads: EmbeddedReads, version: number, signal: AbortSignal | undefined): Promise<void> {
  await nextSharedTurn();
  signal?.throwIfAborted();
  if (reads.refresh() !== version) throw new DataMovedError();
}

/** When a long read of one snapshot takes its next turn: once the process's slice is over (see sliceOver). */
export class Turns implements ScanTurns {
  constructor(
    private readonly reads: EmbeddedReads,
    private readonly version: number,
    private readonly signal: AbortSignal | undefined,
  ) {}

  due(): boolean {
    return sliceOver();
  }

  take(): Promise<void> {
    return nextPart(this.reads, this.version, this.signal);
  }
}

/**
 * A planned read over one data version: the records the batch methods would return, read from the same indexes,
 * in parts of at most about TURN_MS, one turn of the event loop each; a short one (most) runs in one go.
 */
export async function readPlanned(
  reads: EmbeddedReads,
  db: EmbeddedDatabase,
  read: PlannedRead,
  signal?: AbortSignal,
): Promise<PlannedAnswer> {
  signal?.throwIfAborted();
  const version = reads.refresh();
  const turns = new Turns(reads, version, signal);
  const characterKeys = new Set<string>();
  const episodeKeys = new Set<string>();
  const answer = emptyPlannedAnswer();
  const personKeys = new Set<string>();
  let portrayedBy = false;
  /** One series of a series read: its episodes with their events, its cast and its crew, as `read` selects. */
  const readSeries = async (seriesKey: string, series: SeriesRecord | null, read: SeriesSelection) => {
    if (series === null) return;
    portrayedBy = read.portrayedBy;
    if (read.episodes) {
      const items = reads.listed('episodes', 'episodesBySeries', [seriesKey]);
      answer.episodeLists.push({ seriesKey, items });
      for (const episode of items) {
        if (turns.due()) await turns.take();
        for (const kinds of read.episodeEvents) {
          const query = { episodeKey: episode.key, kinds };
          const events = episodeEvents(reads, query);
          answer.episodeEvents.push({ query, items: events });
          if (read.characters) for (const e of events) for (const key of eventCharacters(e)) characterKeys.add(key);
        }
      }
    }
    if (read.cast) {
      const items = reads.listed('castings', 'castingsBySeries', [seriesKey]);
      answer.seriesCastings.push({ seriesKey, items });
      for (const c of items) {
        characterKeys.add(c.characterKey);
        personKeys.add(c.personKey);
      }
    }
    if (read.crew) {
      const items = reads.listed('credits', 'creditsBySeries', [seriesKey]);
      answer.seriesCredits.push({ seriesKey, items });
      for (const c of items) personKeys.add(c.personKey);
    }
  };
  if (read.kind === 'series') {
    const series = reads.record('series', read.seriesKey);
    answer.series.push({ key: read.seriesKey, record: series });
    await readSeries(read.seriesKey, series, read);
  } else if (read.kind === 'allSeries') {
    const page = seriesPage(reads, db, read.page);
    answer.seriesPages.push({ request: read.page, page });
    for (const series of page.items) {
      if (turns.due()) await turns.take();
      await readSeries(series.key, series, read);
    }
  } else if (read.kind === 'person') {
    personKeys.add(read.personKey);
    if (reads.record('people', read.personKey) !== null) {
      portrayedBy = read.portrayedBy;
      const seriesKeys = new Set<string>();
      if (read.castings) {
        const items = reads.listed('castings', 'castingsByPerson', [read.personKey]);
        answer.personCastings.push({ personKey: read.personKey, items });
        for (const c of items) {
          characterKeys.add(c.characterKey);
          if (read.series) seriesKeys.add(c.seriesKey);
        }
      }
      if (read.credits) {
        const items = reads.listed('credits', 'creditsByPerson', [read.personKey]);
        answer.personCredits.push({ personKey: read.personKey, items });
        if (read.series) for (const c of items) seriesKeys.add(c.seriesKey);
      }
      for (const key of seriesKeys) answer.series.push({ key, record: reads.record('series', key) });
    }
  } else if (read.kind === 'character') {
    characterKeys.add(read.characterKey);
    if (reads.record('characters', read.characterKey) !== null) {
      portrayedBy = read.portrayedBy;
      for (const query of read.relationships) {
        const items = relationshipsAt(reads, query.characterKey, query.asOfEpisode);
        answer.relationships.push({ query, items });
        if (read.ends) for (const r of items) characterKeys.add(r.fromKey).add(r.toKey);
      }
    }
  } else {
    for (const request of read.pages) {
      if (turns.due()) await turns.take();
      const page = await eventsPage(reads, db, request, turns);
      answer.eventPages.push({ request, page });
      for (const e of page.items) {
        if (read.episodes) episodeKeys.add(episodeKey(e.seriesKey, e.episodeNumber));
        if (read.people) for (const key of [e.agentKey, e.targetKey]) if (key !== null) characterKeys.add(key);
        if (read.participants) for (const p of e.participants) characterKeys.add(p.characterKey);
      }
    }
  }
  for (const key of characterKeys) {
    if (turns.due()) await turns.take();
    const record: CharacterRecord | null = reads.record('characters', key);
    answer.characters.push({ key, record });
    if (read.firstShown && record !== null) answer.firstShown.push(firstShown(db, key));
    if (portrayedBy && record !== null) {
      const items = reads.listed('castings', 'castingsByCharacter', [key]);
      answer.characterCastings.push({ characterKey: key, items });
      for (const c of items) personKeys.add(c.personKey);
    }
  }
  if (turns.due()) await turns.take();
  else {
    // A read that ran in one go still answers an abort that came while it ran (port: it then rejects).
    await Promise.resolve();
    signal?.throwIfAborted();
  }
  for (const key of episodeKeys) {
    const record: EpisodeRecord | null = reads.record('episodes', key);
    answer.episodes.push({ key, record });
  }
  for (const key of personKeys) answer.people.push({ key, record: reads.record('people', key) });
  return answer;
}
