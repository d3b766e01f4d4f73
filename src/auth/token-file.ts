import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tryLock } from 'fs-native-extensions';
import { checkUnique, parseTokenEntries, type TokenEntry } from './token-config.js';

/** The token file cannot take the entry; nothing was written. */
export class TokenFileError extends Error {
  override readonly name = 'TokenFileError';
}

const errnoOf = (error: unknown) => (error as NodeJS.ErrnoException).code;

/** How long an append waits for others to finish theirs; each holds the lock for a few milliseconds. */
const LOCK_WAIT_MS = 30_000;

/** Polls a non-blocking lock: a blocking wait would hold one of libuv's few threads that file I/O needs. */
async function lockWithin(fd: number, file: string) {
  const deadline = Date.now() + LOCK_WAIT_MS;
  while (!tryLock(fd)) {
    if (Date.now() > deadline) throw new TokenFileError(`${file} stayed locked by another append; try again.`);
    await sleep(5 + Math.random() * 20);
  }
}

async function readList(file: string): Promise<{ entries: TokenEntry[]; mode: number } | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    throw new TokenFileError(`${file} cannot be read (${errnoOf(error) ?? String(error)}).`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new TokenFileError(`${file} is not valid JSON; fix it by hand first (it must be a JSON list of entries).`);
  }
  if (!Array.isArray(parsed))
    throw new TokenFileError(`${file} is not a JSON list; put its entries in a list ([ … ]) first.`);
  try {
    const entries = parseTokenEntries(text, file);
    checkUnique(entries, file);
    return { entries, mode: (await stat(file)).mode & 0o777 };
  } catch (error) {
    throw new TokenFileError((error as Error).message);
  }
}

/**
 * Adds `entry` to the JSON list in `file` (creating it, mode 0600, when missing), refusing a file that is not a
 * valid list and a name already there. Appends are serialized by an OS lock on `<file>.lock` (kept, never
 * deleted), and the list is replaced by renaming a complete new file over it, so a reader never sees half a
 * list and concurrent appends lose nothing.
 */
export async function appendTokenEntry(file: string, entry: TokenEntry): Promise<void> {
  const target = await realpath(file).catch((error: unknown) => {
    if (errnoOf(error) === 'ENOENT') return path.resolve(file);
    throw new TokenFileError(`${file} cannot be used (${errnoOf(error) ?? String(error)}).`);
  });
  const kind = await stat(target).catch(() => undefined);
  if (kind && !kind.isFile()) throw new TokenFileError(`${file} is not a regular file.`);
  const lock = await open(`${target}.lock`, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND, 0o600).catch(
    (error: unknown) => {
      throw new TokenFileError(`cannot lock ${file} (${errnoOf(error) ?? String(error)}).`);
    },
  );
  try {
    await lockWithin(lock.fd, file);
    const current = await readList(target);
    const entries = current?.entries ?? [];
    if (entries.some((each) => each.name === entry.name))
      throw new TokenFileError(`${file} already has a token named "${entry.name}"; choose another name.`);
    const temporary = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(temporary, 'wx', current?.mode ?? 0o600);
    try {
      await handle.writeFile(`${JSON.stringify([...entries, entry], null, 2)}\n`);
      await handle.chmod(current?.mode ?? 0o600);
      await handle.sync();
      await handle.close();
      await rename(temporary, target);
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(temporary, { force: true });
      throw error;
    }
  } finally {
    await lock.close();
  }
}
