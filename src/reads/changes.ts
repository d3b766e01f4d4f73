import { z } from 'zod';
import { type ChangeEntry, type ChangeLogBounds, cursorProblem } from '../domain/change-log.js';
import type { Collection } from '../domain/collections.js';
import { ChangeCursorError, InvalidCursorError } from '../errors.js';
import { decodeCursor, encodeCursor } from '../pagination.js';
import type { ChangeLogReader, ChangesPage } from '../store/port.js';

/** What a reader of the feed asks for; `after` is a cursor as clients see it (see changeCursor). */
export interface ChangeFeedFilter {
  series: string | null;
  collections: Collection[] | null;
}

export interface ChangeFeedPage {
  items: ChangeEntry[];
  hasNextPage: boolean;
  /** Resume after this cursor: past everything the read looked at, hidden and filtered-out entries included. */
  through: number;
  hidden: number;
  /** The log's bounds as the read saw them. */
  bounds: ChangeLogBounds;
}

const CURSOR_KIND = 'change';
const position = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const changeCursor = (cursor: number): string => encodeCursor(CURSOR_KIND, cursor);

/**
 * The log position a client cursor names. Only the exact form the service issues is taken (changeCursor
 * of the position): anything else, such as " 1", "1e0", "1.0" or a bare decimal inside or instead of it,
 * is INVALID_CURSOR naming `argument`.
 */
function changePosition(cursor: string, argument: string): number {
  let at: number;
  try {
    at = decodeCursor(CURSOR_KIND, cursor, position);
  } catch {
    throw new InvalidCursorError(cursor, argument);
  }
  if (changeCursor(at) !== cursor) throw new InvalidCursorError(cursor, argument);
  return at;
}

const boundsFor = (bounds: ChangeLogBounds) => ({
  oldest: bounds.oldest === null ? null : changeCursor(bounds.oldest),
  latest: changeCursor(bounds.latest),
});

/**
 * Where a read starts: after the given cursor when it can be resumed from, else from the oldest entry kept.
 * `argument` names where the cursor came from in errors (`after`, `Last-Event-ID`).
 */
export async function startPosition(log: ChangeLogReader, after: string | null, argument = 'after'): Promise<number> {
  // A malformed cursor is refused before the log is read.
  const at = after === null ? null : changePosition(after, argument);
  const bounds = await log.changeLogBounds();
  if (at === null || after === null) return (bounds.oldest ?? bounds.latest + 1) - 1;
  const problem = cursorProblem(at, bounds);
  if (problem !== null) throw new ChangeCursorError(after, problem, boundsFor(bounds), argument);
  return at;
}

async function keepShown(page: ChangesPage, shown: (change: ChangeEntry) => Promise<boolean>): Promise<ChangeFeedPage> {
  const visible = await Promise.all(page.items.map(shown));
  const items = page.items.filter((_item, i) => visible[i]);
  return {
    items,
    hasNextPage: page.hasNextPage,
    through: page.through,
    hidden: page.items.length - items.length,
    bounds: page.bounds,
  };
}

/**
 * One page of the log after `after` (a log position), keeping what `shown` lets the viewer see. A read
 * that finds the cursor pruned meanwhile fails as expired, so that no gap goes unnoticed.
 */
export async function readChanges(
  log: ChangeLogReader,
  after: number,
  filter: ChangeFeedFilter,
  first: number,
  shown: (change: ChangeEntry) => Promise<boolean>,
  signal?: AbortSignal,
): Promise<ChangeFeedPage> {
  const page = await log.changesAfter({ after, first, ...filter, signal });
  if (cursorProblem(after, page.bounds) === 'expired')
    throw new ChangeCursorError(changeCursor(after), 'expired', boundsFor(page.bounds));
  return keepShown(page, shown);
}

/**
 * A page after a client's cursor (null: from the oldest entry kept) in one read of the log: the cursor is checked
 * against the bounds that read saw, so one never issued is CHANGE_CURSOR_UNKNOWN and a pruned one expired, as
 * startPosition would have said.
 */
export async function pageAfterCursor(
  log: ChangeLogReader,
  after: string | null,
  filter: ChangeFeedFilter,
  first: number,
  shown: (change: ChangeEntry) => Promise<boolean>,
  signal?: AbortSignal,
): Promise<ChangeFeedPage & { hasPreviousPage: boolean }> {
  const at = after === null ? null : changePosition(after, 'after');
  const page = await log.changesAfter({ after: at, first, ...filter, signal });
  const problem = at === null ? null : cursorProblem(at, page.bounds);
  if (problem !== null) throw new ChangeCursorError(after!, problem, boundsFor(page.bounds));
  // Something kept at or before `after`; without it the read starts at the oldest change kept.
  const hasPreviousPage = at !== null && page.bounds.oldest !== null && at >= page.bounds.oldest;
  return { ...(await keepShown(page, shown)), hasPreviousPage };
}
