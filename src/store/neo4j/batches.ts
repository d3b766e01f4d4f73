import type { Row } from './driver.js';
import { toNumber } from './values.js';

/* Batch queries answer rows tagged with the index `i` of their key; these put them back in order. */

function place<T>(rows: readonly Row[], size: number, pick: (row: Row) => T, fallback: () => T): T[] {
  const out = Array.from({ length: size }, fallback);
  for (const row of rows) out[toNumber(row.i)] = pick(row);
  return out;
}

export function singles<T>(rows: readonly Row[], size: number, map: (item: never) => T): (T | null)[] {
  return place<T | null>(
    rows,
    size,
    (r) => (r.item == null ? null : map(r.item as never)),
    () => null,
  );
}

export function lists<T>(rows: readonly Row[], size: number, map: (item: never) => T): T[][] {
  return place(
    rows,
    size,
    (r) => (r.items as never[]).map(map),
    () => [],
  );
}
