import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The patterns of an ignore file, without comments and blank lines. */
function patterns(file: string): string[] {
  return readFileSync(path.join(ROOT, file), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.replace(/^\//, '').replace(/\/$/, ''));
}

describe('ignore files', () => {
  // docker-compose.yml reads NEO4J_PASSWORD and DRAMA_TOKENS from .env.
  it('keep .env, which holds the Neo4j password, out of git and out of the Docker build context', () => {
    expect(patterns('.gitignore')).toContain('.env');
    expect(patterns('.dockerignore')).toContain('.env');
  });

  it('keep local data and builds out of the Docker build context', () => {
    const ignored = patterns('.dockerignore');
    for (const dir of ['node_modules', 'data', 'dist', '.neo4j', '.redis', '.git']) expect(ignored).toContain(dir);
  });
});
