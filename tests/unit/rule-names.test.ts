import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { RULE_NAMES } from '../../src/domain/rule-names.js';
import { SeedValidationError } from '../../src/errors.js';
import { parseSeedText } from '../../src/seed/load.js';

const seed = JSON.parse(await readFile(new URL('../../seeds/soundtrack-1.json', import.meta.url), 'utf8'));

/** The path of every value in the first record of each of the seed's lists (the lists themselves too). */
function leafPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [path, ...(value.length > 0 ? leafPaths(value[0], [...path, 0]) : [])];
  if (value !== null && typeof value === 'object')
    return [path, ...Object.entries(value).flatMap(([key, v]) => leafPaths(v, [...path, key]))];
  return [path];
}

function withValue(path: (string | number)[], replacement: unknown): string {
  const copy = structuredClone(seed);
  let holder = copy;
  for (const step of path.slice(0, -1)) holder = holder[step];
  holder[path.at(-1)!] = replacement;
  return JSON.stringify(copy);
}

const HOSTILE: unknown[] = [42, -1.5, 'x', '', [], [42], {}, { __proto__: null, constructor: 1 }, null, true, '\u0000'];

describe('every rule a refusal names is one of RULE_NAMES', () => {
  it('docs/writing.md lists exactly RULE_NAMES, with their meanings', async () => {
    const docs = await readFile(new URL('../../docs/writing.md', import.meta.url), 'utf8');
    const section = docs.slice(docs.indexOf('### Rule names'), docs.indexOf('\n## ', docs.indexOf('### Rule names')));
    const rows = [...section.matchAll(/^\| `([^`]+)` \| (.+) \|$/gm)].map((m) => [m[1], m[2]]);
    expect(Object.fromEntries(rows)).toEqual(RULE_NAMES);
  });

  it('a seed file with a wrong value at any field gets only named rules (never a bare shape code such as custom)', () => {
    const paths = leafPaths(seed).filter((p) => p.length > 0);
    expect(paths.length).toBeGreaterThan(60);
    const seen = new Set<string>();
    for (const path of paths)
      for (const value of HOSTILE) {
        try {
          parseSeedText('sweep.json', withValue(path, value));
        } catch (error) {
          expect(error, `${path.join('.')} = ${JSON.stringify(value)}`).toBeInstanceOf(SeedValidationError);
          for (const issue of (error as SeedValidationError).issues) {
            expect(Object.keys(RULE_NAMES), `${path.join('.')} = ${JSON.stringify(value)}`).toContain(issue.rule);
            seen.add(issue.rule!);
          }
        }
      }
    expect([...seen]).toEqual(expect.arrayContaining(['invalid_type', 'unrecognized_keys', 'invalid_value', 'range']));
  });

  it('a description or an alias of the wrong type is invalid_type, as every other wrong type', () => {
    const character = seed.series[0].characters[0];
    for (const [field, value] of [
      ['description', 42],
      ['aliases', [42]],
      ['aliases', [['a']]],
    ] as const) {
      const copy = structuredClone(seed);
      copy.series[0].characters[0] = { ...character, [field]: value };
      expect(() => parseSeedText('shape.json', JSON.stringify(copy))).toThrow(SeedValidationError);
      try {
        parseSeedText('shape.json', JSON.stringify(copy));
      } catch (error) {
        expect((error as SeedValidationError).issues.map((i) => i.rule)).toEqual(['invalid_type']);
      }
    }
  });
});
