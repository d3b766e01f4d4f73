import { visit } from 'jsonc-parser';

/** A key given twice in one object of a JSON text. */
export interface DuplicateKey {
  key: string;
  /** Where the object is: its keys and array indexes from the top, joined with dots ("" for the top). */
  path: string;
  /** Of the second occurrence, 1-based. */
  line: number;
  column: number;
}

/** The deepest nesting of objects and arrays checked; a seed file needs a handful of levels. */
export const MAX_JSON_DEPTH = 100;

/** Whether a valid JSON text nests objects and arrays deeper than `limit`, found in one pass over it. */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * The first key given twice in one object of a JSON text, or null (JSON.parse silently keeps the last
 * value). Keys are compared as decoded, so "a" and "\u0061" are the same key. Reads the text once with
 * jsonc-parser's visitor, holding only the keys of the objects still open; the visitor recurses, so check
 * nestsDeeperThan first.
 */
export function firstDuplicateKey(text: string): DuplicateKey | null {
  const open: Set<string>[] = [];
  let found: DuplicateKey | null = null;
  visit(text, {
    onObjectBegin: () => {
      open.push(new Set());
    },
    onObjectEnd: () => {
      open.pop();
    },
    onObjectProperty: (key, _offset, _length, line, character, pathOf) => {
      const keys = open.at(-1);
      if (found !== null || keys === undefined) return;
      if (keys.has(key)) found = { key, path: pathOf().join('.'), line: line + 1, column: character + 1 };
      else keys.add(key);
    },
  });
  return found;
}

const isJsonSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** The keys a valid JSON text gives: each string followed by a colon, counted in one pass. */
function keysGiven(text: string): number {
  let keys = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!inString) inString = c === 0x22;
    else if (c === 0x5c) i++;
    else if (c === 0x22) {
      inString = false;
      let next = i + 1;
      while (next < text.length && isJsonSpace(text.charCodeAt(next))) next++;
      if (text.charCodeAt(next) === 0x3a) keys++;
    }
  }
  return keys;
}

/** The keys of every object in a parsed JSON value (which keeps one of two equal keys). */
function keysHeld(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + keysHeld(v), 0);
  const values = Object.values(value);
  return values.length + values.reduce((n: number, v) => n + keysHeld(v), 0);
}

/**
 * firstDuplicateKey, for a text already parsed into `value` (nested at most MAX_JSON_DEPTH): when the text
 * gives as many keys as the value holds, no key was given twice, and the text is not visited again.
 */
export function firstDuplicateKeyOf(text: string, value: unknown): DuplicateKey | null {
  return keysGiven(text) === keysHeld(value) ? null : firstDuplicateKey(text);
}

/** What makes a valid JSON text ambiguous: nesting too deep to check, or a key given twice (with where); null when neither. */
export function jsonKeyProblem(text: string): string | null {
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) return `nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels`;
  const duplicate = firstDuplicateKey(text);
  if (duplicate === null) return null;
  const at = duplicate.path === '' ? duplicate.key : `${duplicate.path}.${duplicate.key}`;
  return (
    `${at} is given twice in one object (again at line ${duplicate.line}, column ${duplicate.column}); ` +
    'JSON would keep only the last value, so give each key once'
  );
}
