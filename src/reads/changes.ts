import { z } from 'zod';
import { type ChangeEntry, type ChangeLogBounds, cursorProblem } from '../domain/change-log.js';
import type { Collection } from '../domain/collections.js';
import { ChangeCursorError } from '../errors.js';
import { decodeCursor, encodeCursor } from '../pagination.js';
import type { ChangeLogReader } from '../store/port.js';

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
}

const CURSOR_KIND = 'change';
const position = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const changeCursor = (cursor: number): string => encodeCursor(CURSOR_KIND, cursor);

/** The log position a client cursor names, or INVALID_CURSOR; a decimal (an SSE Last-Event-ID) is taken as well. */
function changePosition(cursor: string): number {
  if (/^(0|[1-9][0-9]{0,15})$/.test(cursor) && Number.isSafeInteger(Number(cursor))) return Number(cursor);
  return decodeCursor(CURSOR_KIND, cursor, position);
}

const boundsFor = (bounds: ChangeLogBounds) => ({
  oldest: bounds.oldest === null ? null : changeCursor(bounds.oldest),
  latest: changeCursor(bounds.latest),
});

/** Where a read starts: after the given cursor when it can be resumed from, else from the oldest entry kept. */
export async function startPosition(log: ChangeLogReader, after: string | null): Promise<number> {
  const bounds = await log.changeLogBounds();
  if (after === null) return (bounds.oldest ?? bounds.latest + 1) - 1;
  const at = changePosition(after);
  const problem = cursorProblem(at, bounds);
  if (problem !== null) throw new ChangeCursorError(after, problem, boundsFor(bounds));
  return at;
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
): Promise<ChangeFeedPage> {
  const page = await log.changesAfter({ after, first, ...filter });
  if (cursorProblem(after, page.bounds) === 'expired')
    throw new ChangeCursorError(changeCursor(after), 'expired', boundsFor(page.bounds));
  const visible = await Promise.all(page.items.map(shown));
  const items = page.items.filter((_item, i) => visible[i]);
  return { items, hasNextPage: page.hasNextPage, through: page.through, hidden: page.items.length - items.length };
}
