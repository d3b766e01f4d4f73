import { describe, expect, it } from 'vitest';
import { jsonBytesUpTo, jsonPasses } from '../../src/plugins/budget.js';

/** A small deterministic generator, so a failure names its seed. */
function random(seed: number) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

const TEXTS = ['', 'a', 'Eun-soo', '은수', '😀', '\ud800', 'é\u0301', 'x'.repeat(3000), '한'.repeat(1000), '"\\\n'];
const NUMBERS = [0, -0, 1, -1.7976931348623157e308, 5e-324, 1e21, -1.2345678901234566e-7, 123456789012345680000];

function value(next: () => number, depth: number): unknown {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const kind = depth > 4 ? Math.floor(next() * 4) : Math.floor(next() * 6);
  if (kind === 0) return pick(TEXTS);
  if (kind === 1) return pick(NUMBERS);
  if (kind === 2) return pick([true, false, null]);
  if (kind === 3) return pick([[], {}]);
  if (kind === 4) return Array.from({ length: Math.floor(next() * 6) }, () => value(next, depth + 1));
  const entries = Array.from({ length: Math.floor(next() * 6) }, () => [
    pick([...TEXTS, '__proto__']),
    value(next, depth + 1),
  ]);
  return JSON.parse(JSON.stringify(Object.fromEntries(entries)));
}

describe('the bytes budget: whether an answer passes it', () => {
  it('decides exactly as the exact length does, for any answer and any limit around it', () => {
    for (let seed = 1; seed <= 400; seed += 1) {
      const next = random(seed);
      const answer = { data: value(next, 0) };
      const exact = jsonBytesUpTo(answer, Number.MAX_SAFE_INTEGER);
      for (const limit of [0, 1, exact - 1, exact, exact + 1, Math.floor(exact / 3), exact * 3, exact * 3 + 200]) {
        expect(jsonPasses(answer, limit), `seed ${seed}, limit ${limit}`).toBe(exact > limit);
      }
    }
  });

  it('counts multi-byte text by its UTF-8 bytes, near the limit either way', () => {
    const answer = { data: { name: '한'.repeat(1000) } };
    const exact = jsonBytesUpTo(answer, Number.MAX_SAFE_INTEGER);
    expect(exact).toBeGreaterThan(3000);
    expect(jsonPasses(answer, exact - 1)).toBe(true);
    expect(jsonPasses(answer, exact)).toBe(false);
  });
});
