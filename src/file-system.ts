import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import path from 'node:path';

const errnoOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code;

/**
 * Creates a directory and its missing parents, one level at a time: Node's recursive mkdir can spin for
 * ever on a path under /proc. An existing directory is fine; an existing file is EEXIST. Returns the
 * directories it made, outermost first.
 */
export function makeDirectory(dir: string): string[] {
  try {
    mkdirSync(dir);
    return [dir];
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'EEXIST') {
      if (!statSync(dir).isDirectory()) throw error;
      return [];
    }
    if (code !== 'ENOENT') throw error;
  }
  const parent = path.dirname(dir);
  if (parent === dir) throw Object.assign(new Error(`${dir} does not exist`), { code: 'ENOENT' });
  const made = makeDirectory(parent);
  mkdirSync(dir);
  return [...made, dir];
}

/** Removes directories `makeDirectory` made, innermost first, as long as each is empty. */
export function unmakeDirectories(made: readonly string[]): void {
  for (const dir of [...made].reverse()) {
    try {
      rmdirSync(dir);
    } catch {
      return;
    }
  }
}
