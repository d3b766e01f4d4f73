import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

const errnoOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code;

/**
 * Creates a directory and its missing parents, one level at a time: Node's recursive mkdir can spin for
 * ever on a path under /proc. An existing directory is fine; an existing file is EEXIST.
 */
export function makeDirectory(dir: string): void {
  try {
    mkdirSync(dir);
    return;
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'EEXIST') {
      if (!statSync(dir).isDirectory()) throw error;
      return;
    }
    if (code !== 'ENOENT') throw error;
  }
  const parent = path.dirname(dir);
  if (parent === dir) throw Object.assign(new Error(`${dir} does not exist`), { code: 'ENOENT' });
  makeDirectory(parent);
  mkdirSync(dir);
}
