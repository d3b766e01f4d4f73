import { closeSync, constants, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tryLock } from 'fs-native-extensions';
import { makeDirectory } from '../../file-system.js';

export type DataDirProblem =
  | 'DATA_DIR_LOCKED'
  | 'DATA_DIR_NOT_A_DIRECTORY'
  | 'DATA_DIR_NOT_WRITABLE'
  | 'DATA_DIR_CORRUPTED'
  | 'DATA_DIR_UNUSABLE'
  | 'DATA_DIR_NEEDS_MIGRATION'
  | 'DATA_DIR_FORMAT_UNSUPPORTED'
  | 'DATA_DIR_READ_ONLY';

/** The embedded store cannot use its data directory: `reason` says why, `path` names the directory or file at fault. */
export class DataDirError extends Error {
  override readonly name = 'DataDirError';
  constructor(
    readonly reason: DataDirProblem,
    readonly path: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Holds the OS lock while a process has the store open for writing; its content names that process. Never deleted. */
export const LOCK_FILE = 'drama-graph.lock';

interface LockHolder {
  pid: number;
  command: string;
  host: string;
  since: string;
}

const errnoOf = (error: unknown) => (error as NodeJS.ErrnoException).code ?? '';

/** Turns a file-system error on `target` into the DataDirError a user can act on. */
export function fileSystemProblem(error: unknown, target: string): DataDirError {
  const code = errnoOf(error);
  const message = (error as Error).message;
  if (code === 'EEXIST' || code === 'ENOTDIR') {
    return new DataDirError(
      'DATA_DIR_NOT_A_DIRECTORY',
      target,
      `${target} (or a part of its path) exists and is not a directory`,
      { errno: code },
    );
  }
  if (
    code === 'EACCES' ||
    code === 'EPERM' ||
    code === 'EROFS' ||
    /permission denied|read-only file system/i.test(message)
  ) {
    return new DataDirError(
      'DATA_DIR_NOT_WRITABLE',
      target,
      `${target} cannot be written by this process (${code || message})`,
      { errno: code },
    );
  }
  return new DataDirError('DATA_DIR_UNUSABLE', target, `${target} cannot be used: ${message}`, { errno: code });
}

/**
 * mkdir -p, one level at a time: Node's `recursive: true` spins forever where mkdir answers ENOENT under a
 * parent that exists (/proc/x, other pseudo file systems).
 */
export function ensureDirectory(dataDir: string): void {
  try {
    makeDirectory(dataDir);
  } catch (error) {
    throw fileSystemProblem(error, dataDir);
  }
}

const COMMAND_CHARS = 300;

function thisProcess(): LockHolder {
  const command = [process.execPath, ...process.execArgv, ...process.argv.slice(1)].join(' ');
  return {
    pid: process.pid,
    command: command.slice(0, COMMAND_CHARS),
    host: hostname(),
    since: new Date().toISOString(),
  };
}

function readHolder(file: string): LockHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    return typeof parsed.pid === 'number'
      ? {
          pid: parsed.pid,
          command: String(parsed.command ?? ''),
          host: String(parsed.host ?? ''),
          since: String(parsed.since ?? ''),
        }
      : null;
  } catch {
    return null;
  }
}

/** The holder writes its name just after it locks; give it a moment before saying it is unknown. */
async function holderOf(file: string): Promise<LockHolder | null> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const holder = readHolder(file);
    if (holder) return holder;
    await sleep(50);
  }
  return null;
}

function describe(holder: LockHolder | null): string {
  if (!holder) return 'another process (it has not written its pid)';
  const self = holder.pid === process.pid && holder.host === hostname();
  const who = self
    ? `this process (pid ${holder.pid})`
    : `pid ${holder.pid}${holder.command ? ` (${holder.command})` : ''}`;
  return `${who}${holder.host && holder.host !== hostname() ? ` on host ${holder.host}` : ''}${holder.since ? ` since ${holder.since}` : ''}`;
}

/** Takes the exclusive lock on the open `file`; when another holds it, closes `fd` and answers false. */
function lockedOrClosed(fd: number, file: string): boolean {
  let locked: boolean;
  try {
    locked = tryLock(fd);
  } catch (error) {
    closeSync(fd);
    throw new DataDirError('DATA_DIR_UNUSABLE', file, `cannot lock ${file}: ${(error as Error).message}`);
  }
  if (!locked) closeSync(fd);
  return locked;
}

/**
 * One writer per data directory, across processes (readers take no lock): an exclusive OS lock (fcntl OFD lock on
 * Linux, flock on macOS) on DATA_DIR/drama-graph.lock. The kernel drops it when the holder closes the
 * file or dies, kill -9 included, so a stale lock never blocks the next start and a reused pid cannot
 * keep one alive.
 */
export class DataDirLock {
  /** The data file, locked too once it exists (see holdDataFile); -1 until then. */
  private dataFd = -1;

  private constructor(
    private fd: number,
    readonly file: string,
  ) {}

  /**
   * Locks the data file itself as well, once it exists. Another directory holding a hard link to it (or a mount of
   * it) has a lock file of its own, and a second writer there would write the same file unseen (red team 49).
   */
  holdDataFile(file: string): void {
    if (this.dataFd >= 0) return;
    let fd: number;
    try {
      fd = openSync(file, constants.O_RDWR);
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return;
      throw fileSystemProblem(error, file);
    }
    if (!lockedOrClosed(fd, file)) {
      const dataDir = path.dirname(file);
      throw new DataDirError(
        'DATA_DIR_LOCKED',
        dataDir,
        `${file} is in use by another process that writes to it through another path (a hard link to it, or a mount of it, in another directory); only one process may write to it: stop that one, or use another DATA_DIR`,
        { holder: null },
      );
    }
    this.dataFd = fd;
  }

  static async acquire(dataDir: string): Promise<DataDirLock> {
    const file = path.join(dataDir, LOCK_FILE);
    let fd: number;
    try {
      fd = openSync(file, constants.O_RDWR | constants.O_CREAT, 0o644);
    } catch (error) {
      throw fileSystemProblem(error, errnoOf(error) === 'EACCES' || errnoOf(error) === 'EROFS' ? dataDir : file);
    }
    if (!lockedOrClosed(fd, file)) {
      const holder = await holderOf(file);
      throw new DataDirError(
        'DATA_DIR_LOCKED',
        dataDir,
        `DATA_DIR ${dataDir} is in use by ${describe(holder)}; only one process may write to it (others may open it read-only): stop that one, or use another DATA_DIR`,
        { holder },
      );
    }
    try {
      ftruncateSync(fd, 0);
      writeSync(fd, `${JSON.stringify(thisProcess())}\n`, 0);
    } catch (error) {
      closeSync(fd);
      throw fileSystemProblem(error, file);
    }
    return new DataDirLock(fd, file);
  }

  release(): void {
    if (this.dataFd >= 0) closeSync(this.dataFd);
    this.dataFd = -1;
    if (this.fd < 0) return;
    try {
      ftruncateSync(this.fd, 0);
    } catch {
      // The lock goes with the descriptor either way.
    }
    closeSync(this.fd);
    this.fd = -1;
  }
}
