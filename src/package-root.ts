import { existsSync } from 'node:fs';
import path from 'node:path';

function nearestPackageDir(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** The directory of package.json: files shipped beside the code (seeds/, examples/…) resolve from here, from src/ or dist/src/ alike. */
export const PACKAGE_ROOT = nearestPackageDir(import.meta.dirname);
