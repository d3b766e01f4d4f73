#!/usr/bin/env node
// Runs before `npm start`, `npm run seed` and the other operator commands. Where TypeScript is installed
// (a development checkout) it compiles to dist/ (incremental: quick when nothing changed); where it is not
// (`npm ci --omit=dev`, the Docker image) the dist/ shipped with the install is used as it is.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function compiler() {
  try {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

const tsc = compiler();
if (tsc) {
  const { status } = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  process.exit(status ?? 1);
}
if (!existsSync(path.join(ROOT, 'dist', 'src', 'server.js'))) {
  console.error('dist/ is missing and TypeScript is not installed: run `npm install` and `npm run build` first.');
  process.exit(1);
}
