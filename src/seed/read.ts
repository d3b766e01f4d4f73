import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import path from 'node:path';
import type { RuleName } from '../domain/rule-names.js';
import { type SeedIssue, SeedValidationError } from '../errors.js';
import { firstDuplicateKeyOf, MAX_JSON_DEPTH, nestsDeeperThan } from '../json-keys.js';

/**
 * The largest seed file imported, unless `--max-file-bytes` says otherwise: room for one series of about a
 * million events. A file past STREAM_FROM_BYTES is never held whole (seed/file-check.ts).
 */
export const MAX_FILE_BYTES = 1024 * 1024 * 1024;

const fileIssue = (file: string, field: string, message: string, rule: RuleName): SeedIssue => ({
  file,
  record: '(file)',
  field,
  message,
  rule,
});

export const fail = (file: string, field: string, message: string, rule: RuleName): never => {
  throw new SeedValidationError([fileIssue(file, field, message, rule)]);
};

const decodes = (bytes: Buffer, stream: boolean): boolean => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream });
    return true;
  } catch {
    return false;
  }
};

/** The byte offset of the first invalid UTF-8 sequence, found once decoding has failed. */
export function firstInvalidByte(bytes: Buffer): number {
  let [low, high] = [0, bytes.length];
  while (high - low > 1) {
    const mid = (low + high) >> 1;
    if (decodes(bytes.subarray(0, mid), true)) low = mid;
    else high = mid;
  }
  // The longest prefix that decodes may end in the start of the bad sequence: back up to its lead byte.
  if (!decodes(bytes.subarray(0, low), false)) {
    while (low > 0 && (bytes[low - 1]! & 0xc0) === 0x80) low--;
    low--;
  }
  return Math.max(low, 0);
}

/**
 * Opens one seed file for reading: a regular file (symlinks followed) of at most `maxBytes`. Anything else
 * throws SeedValidationError naming the file and the rule.
 */
export async function openSeedFile(
  dir: string,
  name: string,
  maxBytes: number,
): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle | undefined;
  try {
    // Non-blocking, so that opening a FIFO returns at once (and is refused below) instead of waiting for a writer.
    handle = await open(path.join(dir, name), constants.O_RDONLY | constants.O_NONBLOCK);
    const stat = await handle.stat();
    if (!stat.isFile()) fail(name, '(file)', 'is not a regular file', 'not-a-file');
    if (stat.size > maxBytes)
      fail(name, '(file)', `holds ${stat.size} bytes, more than the ${maxBytes} one file may`, 'file-too-large');
    return { handle, size: stat.size };
  } catch (error) {
    await handle?.close();
    if (error instanceof SeedValidationError) throw error;
    return unreadable(name, error);
  }
}

export const unreadable = (name: string, error: unknown): never => {
  const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
  return fail(name, '(file)', `cannot be read (${code}): ${(error as Error).message}`, 'unreadable');
};

/**
 * Reads one seed file as JSON: a regular file (symlinks followed) of at most `maxBytes`, valid UTF-8 (a
 * leading byte-order mark is dropped). Anything else throws SeedValidationError naming the file and the rule.
 */
export async function readSeedJson(dir: string, name: string, maxBytes = MAX_FILE_BYTES): Promise<unknown> {
  const { handle } = await openSeedFile(dir, name, maxBytes);
  return readOpenedSeedJson(name, handle, maxBytes);
}

/** readSeedJson of a file openSeedFile opened; closes it. */
export async function readOpenedSeedJson(name: string, handle: FileHandle, maxBytes: number): Promise<unknown> {
  let bytes: Buffer;
  try {
    bytes = await handle.readFile();
  } catch (error) {
    return unreadable(name, error);
  } finally {
    await handle.close();
  }
  if (bytes.length > maxBytes)
    fail(name, '(file)', `holds more than the ${maxBytes} bytes one file may`, 'file-too-large');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return fail(name, '(utf-8)', `is not valid UTF-8 (byte ${firstInvalidByte(bytes)})`, 'invalid-utf8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(name, '(json)', (error as Error).message, 'json');
  }
  refuseDuplicateKeys(name, text, value);
  return value;
}

/**
 * Throws SeedValidationError naming the file and the key's path when an object of the (valid JSON) text
 * gives a key twice, or naming the file when it nests deeper than MAX_JSON_DEPTH.
 */
export function refuseDuplicateKeys(file: string, text: string, value: unknown): void {
  if (nestsDeeperThan(text, MAX_JSON_DEPTH))
    fail(
      file,
      '(json)',
      `nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels; a seed file needs a handful`,
      'too-deep',
    );
  const duplicate = firstDuplicateKeyOf(text, value);
  if (duplicate === null) return;
  const field = duplicate.path === '' ? duplicate.key : `${duplicate.path}.${duplicate.key}`;
  fail(
    file,
    field,
    `is given twice in one object (again at line ${duplicate.line}, column ${duplicate.column}); JSON would keep ` +
      'only the last value, so give each key once',
    'duplicate-key',
  );
}
