import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

const DOMAIN = path.resolve(import.meta.dirname, '../../src/domain');
const files = readdirSync(DOMAIN, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));

it('keeps src/domain pure: it imports only from itself, no library, no Node module', () => {
  const outside = files.flatMap((file) => {
    const text = readFileSync(path.join(DOMAIN, file), 'utf8');
    const statements = [
      ...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s*'([^']+)'/gm),
      ...text.matchAll(/\bimport\s*\(\s*'([^']+)'/g),
    ];
    const specifiers = statements.map((m) => m[1]!);
    return specifiers
      .filter((s) => !s.startsWith('.') || !path.resolve(DOMAIN, path.dirname(file), s).startsWith(DOMAIN + path.sep))
      .map((s) => `${file}: ${s}`);
  });
  expect(files).toContain('rules.ts');
  expect(outside).toEqual([]);
});
