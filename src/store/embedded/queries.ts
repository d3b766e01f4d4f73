import { slugOf } from '../../domain/keys.js';
import type { PlotEventRecord, RelationshipRecord } from '../../domain/records.js';
import { eventVisible, progressOf } from '../../domain/spoilers.js';
import type { ParticipantRole, PlotEventKind } from '../../domain/vocabulary.js';
import type { EventFilter, EventPosition } from '../port.js';
import type { EmbeddedDatabase, IndexRow } from './database.js';
import { absolute, type EventFacts, type IndexKey, type IndexName } from './layout.js';

export function holdsAt(relationship: RelationshipRecord, asOfEpisode: number | null): boolean {
  const { sinceEpisode: since, untilEpisode: until } = relationship;
  if (asOfEpisode === null) return until === null;
  return (since === null || since <= asOfEpisode) && (until === null || until > asOfEpisode);
}

/** What an event index row says of its event: enough to filter it without reading the record. */
export type EventRow = Pick<
  PlotEventRecord,
  | 'key'
  | 'seriesKey'
  | 'episodeNumber'
  | 'sequence'
  | 'kind'
  | 'outcome'
  | 'agentKey'
  | 'targetKey'
  | 'participants'
  | 'certainty'
>;

/** The row of an event index whose key is `anchor` elements, then the event's position and key; the facts are eventsByPosition's. */
export function eventRow(db: EmbeddedDatabase, { key, value }: IndexRow, anchor: number): EventRow {
  const facts = anchor === 0 ? value : db.row('eventsByPosition', key.slice(anchor));
  const [kind, outcome, agent, target, participants, certainty = 'STATED'] = facts as EventFacts;
  const seriesKey = key[anchor] as string;
  const scoped = (stored: Parameters<typeof absolute>[1] | null) =>
    stored === null ? null : absolute(seriesKey, stored);
  return {
    seriesKey,
    episodeNumber: key[anchor + 1] as number,
    sequence: key[anchor + 2] as number,
    key: key[anchor + 3] as string,
    kind,
    outcome: outcome as PlotEventRecord['outcome'],
    agentKey: scoped(agent),
    targetKey: scoped(target),
    participants: participants.map(([stored, role]) => ({ characterKey: absolute(seriesKey, stored), role })),
    certainty,
  };
}

export const ofKinds = (event: EventRow, kinds: readonly PlotEventKind[] | null): boolean =>
  kinds === null || kinds.includes(event.kind);

export const takesPart = (event: EventRow, characterKey: string, role: ParticipantRole | null): boolean =>
  event.participants.some((p) => p.characterKey === characterKey && (role === null || p.role === role));

const slugIs = (key: string | null, slug: string | null): boolean =>
  slug === null || (key !== null && slugOf(key) === slug);

export function matchesFilter(event: EventRow, filter: EventFilter): boolean {
  return (
    (filter.series === null || event.seriesKey === filter.series) &&
    (filter.episode === null || event.episodeNumber === filter.episode) &&
    ofKinds(event, filter.kinds) &&
    (filter.outcome === null || event.outcome === filter.outcome) &&
    (filter.certainty === null || event.certainty === filter.certainty) &&
    slugIs(event.agentKey, filter.agent) &&
    slugIs(event.targetKey, filter.target) &&
    (filter.participant === null || event.participants.some((p) => slugOf(p.characterKey) === filter.participant))
  );
}

/** Where findEvents reads its candidates: an index, the prefix of the rows that can match, and how long the anchor is. */
interface EventSource {
  index: IndexName;
  prefix: IndexKey;
  anchor: number;
}

/** One series' run of positions when the filter names a series, else the fewest rows a character slug allows, else every event. */
function sourceOf(db: EmbeddedDatabase, filter: EventFilter): EventSource {
  if (filter.series !== null) {
    const prefix = filter.episode === null ? [filter.series] : [filter.series, filter.episode];
    return { index: 'eventsByPosition', prefix, anchor: 0 };
  }
  const anchors = (
    [
      ['eventsByAgent', filter.agent],
      ['eventsByTarget', filter.target],
      ['eventsByParticipant', filter.participant],
    ] as const
  ).flatMap(([index, slug]) => (slug === null ? [] : [{ index, prefix: [slug], anchor: 1 }]));
  if (anchors.length === 0) return { index: 'eventsByPosition', prefix: [], anchor: 0 };
  if (anchors.length === 1) return anchors[0]!;
  const sized = anchors.map((a) => ({ a, n: db.count(a.index, a.prefix) }));
  return sized.reduce((small, s) => (s.n < small.n ? s : small)).a;
}

const compareParts = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);

function comparePosition(a: EventPosition, b: EventPosition): number {
  return (
    compareParts(a.seriesKey, b.seriesKey) ||
    compareParts(a.episodeNumber, b.episodeNumber) ||
    compareParts(a.sequence, b.sequence)
  );
}

/** The later of two keys of one index (ordered-binary order for these parts: element by element, a prefix first). */
function laterKey(a: IndexKey, b: IndexKey): IndexKey {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compareParts(a[i]!, b[i]!);
    if (order !== 0) return order > 0 ? a : b;
  }
  return a.length >= b.length ? a : b;
}

export interface Totals {
  total: number;
  hidden: number;
}

/** Counts the matches of a filter over its whole source: those shown, and those its visibleThrough hides. */
export async function totalsOf(db: EmbeddedDatabase, filter: EventFilter, turns?: ScanTurns): Promise<Totals> {
  const source = sourceOf(db, filter);
  const progress = progressOf(filter.visibleThrough);
  let total = 0;
  let hidden = 0;
  await eachRow(db, source.index, source.prefix, source.prefix, turns, (row) => {
    const event = eventRow(db, row, source.anchor);
    if (!matchesFilter(event, filter)) return true;
    if (eventVisible(progress, event as PlotEventRecord)) total++;
    else hidden++;
    return true;
  });
  return { total, hidden };
}

/**
 * How a long scan lets the event loop turn: `due` is asked every ROWS_PER_CHECK rows, and when it says so the scan
 * awaits `take` (which rejects to end it: an aborted request, or data a write has moved) and goes on after the last
 * row it gave. A store-wide filter reads every event (450,000 in a red team's store: 3 to 5 s), and read in one go
 * it held /health and every other request that long (red team 56).
 */
export interface ScanTurns {
  due(): boolean;
  take(): Promise<void>;
}

export const ROWS_PER_CHECK = 256;

const sameKey = (a: IndexKey, b: IndexKey) => a.length === b.length && a.every((part, i) => part === b[i]);

/** Calls `visit` on each item `scan` gives from `from` on, in order, until it returns false, pausing as `turns` says. */
async function eachOf<T>(
  scan: (from: IndexKey) => Iterable<T>,
  keyOf: (item: T) => IndexKey,
  from: IndexKey,
  turns: ScanTurns | undefined,
  visit: (item: T) => boolean,
): Promise<void> {
  let start = from;
  let resumedAt: IndexKey | null = null;
  for (;;) {
    let items = 0;
    let pausedAfter: IndexKey | null = null;
    for (const item of scan(start)) {
      if (resumedAt !== null && sameKey(keyOf(item), resumedAt)) continue;
      resumedAt = null;
      if (!visit(item)) return;
      if (turns !== undefined && ++items % ROWS_PER_CHECK === 0 && turns.due()) {
        pausedAfter = keyOf(item);
        break;
      }
    }
    if (pausedAfter === null || turns === undefined) return;
    await turns.take();
    start = pausedAfter;
    resumedAt = pausedAfter;
  }
}

/** Calls `visit` on each row of `index` under `prefix` from `from` on, in order, until it returns false. */
export const eachRow = (
  db: EmbeddedDatabase,
  index: IndexName,
  prefix: IndexKey,
  from: IndexKey,
  turns: ScanTurns | undefined,
  visit: (row: IndexRow) => boolean,
): Promise<void> =>
  eachOf(
    (start) => db.scan(index, prefix, start),
    (row) => row.key,
    from,
    turns,
    visit,
  );

/** eachRow, reading the rows' keys only. */
export const eachKey = (
  db: EmbeddedDatabase,
  index: IndexName,
  prefix: IndexKey,
  turns: ScanTurns | undefined,
  visit: (key: IndexKey) => boolean,
): Promise<void> =>
  eachOf(
    (start) => db.scanKeys(index, prefix, start),
    (key) => key,
    prefix,
    turns,
    visit,
  );

/** The keys of up to `first` matches after `after` in position order, and whether more follow. */
export async function pageKeys(
  db: EmbeddedDatabase,
  filter: EventFilter,
  first: number,
  after: EventPosition | null,
  turns?: ScanTurns,
): Promise<{ keys: string[]; hasNextPage: boolean }> {
  const source = sourceOf(db, filter);
  const progress = progressOf(filter.visibleThrough);
  const anchorKey = source.prefix.slice(0, source.anchor);
  const from =
    after === null
      ? source.prefix
      : laterKey(source.prefix, [...anchorKey, after.seriesKey, after.episodeNumber, after.sequence]);
  const keys: string[] = [];
  let hasNextPage = false;
  await eachRow(db, source.index, source.prefix, from, turns, (row) => {
    const event = eventRow(db, row, source.anchor);
    if (after !== null && comparePosition(event, after) <= 0) return true;
    if (!matchesFilter(event, filter) || !eventVisible(progress, event as PlotEventRecord)) return true;
    if (keys.length === first) {
      hasNextPage = true;
      return false;
    }
    keys.push(event.key);
    return true;
  });
  return { keys, hasNextPage };
}
