import {
  type ChangeDraft,
  type ChangeEntry,
  type ChangeLogBounds,
  type ChangeLogOptions,
  pruneLimit,
} from '../../domain/change-log.js';
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

/** The bounds and the entries up to them in one read (see CHANGES_AFTER). */
export async function changesAfter(db: Neo4jConnection, request: ChangesRequest): Promise<ChangesPage> {
  const limit = Math.max(request.first, 0) + 1;
  const [row] = await db.read(logCypher.CHANGES_AFTER, {
    after: request.after,
    series: request.series,
    collections: request.collections,
    limit,
  });
  const bounds = boundsOf(row);
  const start = toNumber(row?.startAfter ?? 0);
  const entries = ((row?.items as Record<string, unknown>[] | undefined) ?? []).map(toEntry);
  const items = entries.slice(0, Math.max(request.first, 0));
  const hasNextPage = entries.length > items.length;
  return { items, hasNextPage, through: hasNextPage ? (items.at(-1)?.cursor ?? start) : bounds.latest, bounds };
}
