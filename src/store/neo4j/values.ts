import neo4j from 'neo4j-driver';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;

/**
 * JS numbers travel to Neo4j as floats; every number in this domain is an integer, so integral
 * numbers are sent as Neo4j integers (this also keeps `LIMIT $n` and skip values legal).
 */
export function toParams(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? neo4j.int(value) : value;
  if (Array.isArray(value)) return value.map(toParams);
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toParams(v)]));
  }
  return value;
}

/** Reads a Neo4j integer (or a plain number) back as a JS number. */
export function toNumber(value: unknown): number {
  if (neo4j.isInt(value)) {
    if (!value.inSafeRange()) throw new RangeError(`Integer ${value.toString()} exceeds the JS safe range`);
    return value.toNumber();
  }
  if (typeof value === 'number') return value;
  throw new TypeError(`Expected a number, got ${typeof value}`);
}

export const toNumberOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : toNumber(value);
