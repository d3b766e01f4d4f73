import { COLLECTIONS, type Collection } from './collections.js';
import type { ChangeSet } from './integrity/changes.js';
import { seriesOfKey } from './keys.js';

export const CHANGE_OPERATIONS = ['UPSERT', 'DELETE'] as const;

/** The change types clients filter on (GraphQL ChangeType, webhook filters), and the collection each stands for. */
export const CHANGE_TYPES = {
  SERIES: 'series',
  EPISODE: 'episodes',
  CHARACTER: 'characters',
  PERSON: 'people',
  CASTING: 'castings',
  CREDIT: 'credits',
  RELATIONSHIP: 'relationships',
  PLOT_EVENT: 'events',
} as const satisfies Record<string, Collection>;
export type ChangeTypeName = keyof typeof CHANGE_TYPES;

/** The change type of each collection. */
export const CHANGE_TYPE_OF = Object.fromEntries(Object.entries(CHANGE_TYPES).map(([t, c]) => [c, t])) as Record<
  Collection,
  ChangeTypeName
>;
type ChangeOperation = (typeof CHANGE_OPERATIONS)[number];

/** One logged change: written in the transaction of the change itself, one per record it touched. */
export interface ChangeEntry {
  /** Monotonic: a later commit has a larger cursor; cursors start at 1. */
  cursor: number;
  /** When it was written, in ms since the epoch. */
  at: number;
  operation: ChangeOperation;
  collection: Collection;
  key: string;
  /** The series the record belongs to; null for people. */
  series: string | null;
  /** The name of the token that wrote it; null for writes without one (a CLI import). */
  actor: string | null;
}

export type ChangeDraft = Omit<ChangeEntry, 'cursor' | 'at'>;

/** How long entries are kept, and the clock the log is written with (tests turn it). */
export interface ChangeLogOptions {
  retentionMs: number;
  now?: () => number;
}

export const DEFAULT_CHANGE_RETENTION_MS = 7 * 24 * 3_600_000;

/** The oldest entries one write transaction prunes at most beyond twice what it adds, so pruning keeps pace yet stays bounded. */
const PRUNE_SLACK = 100;
export const pruneLimit = (added: number): number => 2 * added + PRUNE_SLACK;

const seriesOfRecord = (collection: Collection, record: { key: string; seriesKey?: string }): string | null =>
  collection === 'people' ? null : (record.seriesKey ?? record.key);

const seriesOfDeleted = (collection: Collection, key: string): string | null =>
  collection === 'people' ? null : collection === 'series' ? key : seriesOfKey(key);

/** The entries an applied change set logs: its deletes, then its upserts, in collection order. */
export function changeDrafts({ upserts, deletes }: ChangeSet, actor: string | null): ChangeDraft[] {
  const drafts: ChangeDraft[] = [];
  for (const collection of COLLECTIONS)
    for (const key of deletes[collection])
      drafts.push({ operation: 'DELETE', collection, key, series: seriesOfDeleted(collection, key), actor });
  for (const collection of COLLECTIONS)
    for (const record of upserts[collection] as { key: string; seriesKey?: string }[])
      drafts.push({
        operation: 'UPSERT',
        collection,
        key: record.key,
        series: seriesOfRecord(collection, record),
        actor,
      });
  return drafts;
}

/** Which part of the log a reader may resume from: null oldest when nothing is kept. */
export interface ChangeLogBounds {
  /** The cursor of the oldest entry kept, or null when none is. */
  oldest: number | null;
  /** The cursor of the latest entry ever written (0 before the first). */
  latest: number;
}

export type CursorProblem = 'unknown' | 'expired' | null;

/**
 * Whether a reader can resume after `cursor` without missing anything: not when the cursor was never
 * issued (past the latest), nor when entries after it were pruned.
 */
export function cursorProblem(cursor: number, { oldest, latest }: ChangeLogBounds): CursorProblem {
  if (cursor > latest) return 'unknown';
  const firstKept = oldest ?? latest + 1;
  return cursor < firstKept - 1 ? 'expired' : null;
}

/** The same value with object keys sorted and undefined fields left out, so that equal records print alike. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>)
            .filter(([, field]) => field !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );

/** Whether a record written over the stored one changes nothing (key order and undefined fields aside). */
export const sameRecord = (stored: unknown, written: unknown): boolean =>
  stored !== undefined && stored !== null && canonical(stored) === canonical(written);

/** Identifies a record across collections, for sets of them. */
export const recordId = (collection: Collection, key: string): string => `${collection}\u0000${key}`;

/**
 * The drafts without the upserts of records a write left as they were, nor the deletes of records that were
 * not there: a write that changes nothing logs nothing.
 */
export const changedDrafts = (
  drafts: readonly ChangeDraft[],
  unchanged: ReadonlySet<string>,
  absent: ReadonlySet<string> = new Set(),
): ChangeDraft[] =>
  drafts.filter((d) => !(d.operation === 'UPSERT' ? unchanged : absent).has(recordId(d.collection, d.key)));
