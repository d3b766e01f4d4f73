import { describe, expect, it } from 'vitest';
import { changesAfter } from '../../src/store/neo4j/change-log.js';
import type { Neo4jConnection, Row } from '../../src/store/neo4j/driver.js';

const entry = (cursor: number) => ({
  cursor,
  at: 1,
  operation: 'UPSERT',
  collection: 'people',
  key: `p-${cursor}`,
  series: null,
  actor: null,
});

/** A connection whose reads answer the given rows in turn, as CHANGES_AFTER would. */
const answering = (rows: Row[]) => {
  let reads = 0;
  const db = {
    read: async () => [rows[Math.min(reads++, rows.length - 1)]!],
  } as unknown as Neo4jConnection;
  return { db, reads: () => reads };
};

const request = { after: 10, series: null, collections: null, first: 5 };

describe('a Neo4j change-log page read while a commit shows its counter before all of its entries', () => {
  it('reads again until every entry up to where the page ends was visible, and answers that read', async () => {
    const racing = { latest: 13, oldest: [1], startAfter: 10, bound: 13, seen: 2, items: [11, 13].map(entry) };
    const settled = { latest: 13, oldest: [1], startAfter: 10, bound: 13, seen: 3, items: [11, 12, 13].map(entry) };
    const { db, reads } = answering([racing, { ...racing, through: 13 }, { ...settled, through: 13 }]);
    const page = await changesAfter(db, request);
    expect(reads()).toBe(3);
    expect(page.items.map((e) => e.cursor)).toEqual([11, 12, 13]);
    expect(page).toMatchObject({ hasNextPage: false, through: 13, bounds: { latest: 13, oldest: 1 } });
  });

  it('answers at once when entries of the range were pruned (the reader says the cursor expired)', async () => {
    const pruned = { latest: 40, oldest: [30], startAfter: 10, bound: 40, seen: 11, items: [30, 31].map(entry) };
    const { db, reads } = answering([{ ...pruned, through: 40 }]);
    const page = await changesAfter(db, request);
    expect(reads()).toBe(1);
    expect(page.bounds).toEqual({ latest: 40, oldest: 30 });
  });

  it('answers at once for a cursor past the latest (the reader says it is unknown)', async () => {
    const { db, reads } = answering([
      { latest: 5, oldest: [1], startAfter: 10, bound: 5, seen: 0, items: [], through: 5 },
    ]);
    expect((await changesAfter(db, request)).items).toEqual([]);
    expect(reads()).toBe(1);
  });

  it('gives up with STORE_UNAVAILABLE, never a page with a gap, when the range never shows whole', async () => {
    const { db, reads } = answering([
      { latest: 13, oldest: [1], startAfter: 10, bound: 13, seen: 2, items: [11, 13].map(entry), through: 13 },
    ]);
    await expect(changesAfter(db, request)).rejects.toMatchObject({ extensions: { code: 'STORE_UNAVAILABLE' } });
    expect(reads()).toBe(10);
  });
});
