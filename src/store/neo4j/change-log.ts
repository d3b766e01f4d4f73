import { setTimeout } from 'node:timers/promises';
import {
  type ChangeDraft,
  type ChangeEntry,
  type ChangeLogBounds,
  type ChangeLogOptions,
  cursorProblem,
  pruneLimit,
} from '../../domain/change-log.js';
import { StoreUnavailableError } from '../../errors.js';
import type { ChangesPage, ChangesRequest } from '../port.js';
import * as logCypher from './cypher-change-log.js';
import type { Neo4jConnection, Row, WriteTx } from './driver.js';
import { toNumber } from './values.js';

const CHUNK = 1000;

/** Logs the drafts with the next cursors, then prunes a bounded number of expired entries; inside the write's transaction. */
export async function logChangesIn(
  tx: WriteTx,
  drafts: readonly ChangeDraft[],
  options: ChangeLogOptions,
): Promise<void> {
  if (drafts.length === 0) return;
  const at = (options.now ?? Date.now)();
  for (let from = 0; from < drafts.length; from += CHUNK)
    await tx.run(logCypher.LOG_CHANGES, { entries: drafts.slice(from, from + CHUNK), at });
  await tx.run(logCypher.PRUNE_CHANGES, { cutoff: at - options.retentionMs, limit: pruneLimit(drafts.length) });
}

const toEntry = (item: Record<string, unknown>): ChangeEntry => ({
  cursor: toNumber(item.cursor),
  at: toNumber(item.at),
  operation: item.operation as ChangeEntry['operation'],
  collection: item.collection as ChangeEntry['collection'],
  key: item.key as string,
  series: (item.series ?? null) as string | null,
  actor: (item.actor ?? null) as string | null,
});

const boundsOf = (row: Row | undefined): ChangeLogBounds => {
  const oldest = (row?.oldest as unknown[] | undefined) ?? [];
  return { latest: toNumber(row?.latest ?? 0), oldest: oldest.length === 0 ? null : toNumber(oldest[0]) };
};

export async function changeLogBounds(db: Neo4jConnection): Promise<ChangeLogBounds> {
  const [row] = await db.read(logCypher.CHANGE_LOG_BOUNDS);
  return boundsOf(row);
}

/** Reads of a page that found an entry of its range not visible yet, at most (see CHANGES_AFTER). */
const PAGE_READS = 10;

/**
 * The bounds and the entries up to them in one read (see CHANGES_AFTER), read again while an entry the page
 * covers is not visible yet: a client never resumes past a change it was not shown.
 */
export async function changesAfter(db: Neo4jConnection, request: ChangesRequest): Promise<ChangesPage> {
  const first = Math.max(request.first, 0);
  for (let read = 1; ; read += 1) {
    const [row] = await db.read(
      logCypher.CHANGES_AFTER,
      { after: request.after, series: request.series, collections: request.collections, first },
      request.signal,
    );
    const startAfter = toNumber(row?.startAfter ?? 0);
    const bounds = boundsOf(row);
    // Pruned entries are gone for good (the reader says the cursor expired); any other one missing is on its way.
    const whole =
      toNumber(row?.seen ?? 0) === Math.max(0, toNumber(row?.bound ?? 0) - startAfter) ||
      cursorProblem(startAfter, bounds) !== null;
    if (whole) {
      const entries = ((row?.items as Record<string, unknown>[] | undefined) ?? []).map(toEntry);
      const items = entries.slice(0, first);
      return { items, hasNextPage: entries.length > items.length, through: toNumber(row?.through ?? 0), bounds };
    }
    if (read === PAGE_READS) throw new StoreUnavailableError('neo4j');
    await setTimeout(read);
  }
}
