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

/** Lists of keys in the order of their queries (`lists`: [i, keys] pairs), each key's record decoded once from `events`. */
export function sharedLists<T>(
  row: Row | undefined,
  size: number,
  map: (item: never) => T,
  keyOf: (record: T) => string,
): T[][] {
  const out = Array.from({ length: size }, (): T[] => []);
  if (row === undefined) return out;
  const records = new Map<string, T>();
  for (const item of row.events as never[]) {
    const record = map(item);
    records.set(keyOf(record), record);
  }
  for (const [i, keys] of row.lists as [unknown, string[]][]) out[toNumber(i)] = keys.map((key) => records.get(key)!);
  return out;
}
