import Cypher from '@neo4j/cypher-builder';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { characterQuery } from '../../../src/store/neo4j/cypher-planned.js';
import type { PlannedRead } from '../../../src/store/port.js';

type CharacterRead = Extract<PlannedRead, { kind: 'character' }>;

const read = (
  characterKey: string,
  asOf: (number | null)[],
  ends = true,
  firstShown = false,
  portrayedBy = false,
): CharacterRead => ({
  kind: 'character',
  characterKey,
  relationships: asOf.map((asOfEpisode) => ({ characterKey, asOfEpisode })),
  ends,
  portrayedBy,
  firstShown,
});

/** The parameters a text names, in order of first use. */
const named = (cypher: string) => [...new Set([...cypher.matchAll(/\$(\w+)/g)].map((m) => m[1]))];

afterEach(() => vi.restoreAllMocks());

describe('characterQuery: one text per shape, the values in parameters', () => {
  it('builds the text of a shape once, and answers the same text with each read’s own values after', () => {
    const build = vi.spyOn(Cypher.Match.prototype, 'build');
    const first = characterQuery(read('shape-once/a', [3, null, 5], false, true));
    expect(build).toHaveBeenCalledTimes(1);
    const again = characterQuery(read('shape-once/b', [900_000, null, 1], false, true));
    expect(build).toHaveBeenCalledTimes(1);
    expect(again.cypher).toBe(first.cypher);
    expect(first.params).toEqual({ characterKey: 'shape-once/a', asOf0: 3, asOf2: 5 });
    expect(again.params).toEqual({ characterKey: 'shape-once/b', asOf0: 900_000, asOf2: 1 });
    expect(named(first.cypher).sort()).toEqual(Object.keys(first.params).sort());
  });

  it('gives each shape its own text: ends, firstShown, portrayedBy, and which lists have an episode', () => {
    const texts = [
      read('s/a', [1]),
      read('s/a', [null]),
      read('s/a', [1, 1]),
      read('s/a', [1], false),
      read('s/a', [1], true, true),
      read('s/a', [1], true, false, true),
      read('s/a', []),
    ].map((r) => characterQuery(r));
    expect(new Set(texts.map((t) => t.cypher)).size).toBe(texts.length);
    for (const { cypher, params } of texts) expect(named(cypher).sort()).toEqual(Object.keys(params).sort());
    expect(texts[1]!.params).toEqual({ characterKey: 's/a' });
    expect(texts[6]!.cypher).toContain('[] AS relationships');
    expect(texts[5]!.params).toMatchObject({ billingRank: { MAIN: 0 } });
  });

  it('puts hostile keys in parameters only, never in the text', () => {
    for (const key of [
      '__proto__/constructor',
      "s/a' }) DETACH DELETE (n) //",
      's/😀\u0000\u202e',
      'x'.repeat(100_000),
    ]) {
      const { cypher, params } = characterQuery(read(key, [2]));
      expect(cypher).not.toContain(key);
      expect(params.characterKey).toBe(key);
      expect(Object.getPrototypeOf(params)).toBe(Object.prototype);
    }
  });

  it('stays right past the number of texts it keeps: hundreds of shapes, each still with its own parameters', () => {
    for (let lists = 1; lists <= 300; lists += 1) {
      const asOf = Array.from({ length: lists }, (_, i) => (i % 3 === 0 ? null : i));
      const { cypher, params } = characterQuery(read(`many/${lists}`, asOf));
      expect(named(cypher).sort()).toEqual(Object.keys(params).sort());
      // A list per relationships field, and the ends once.
      expect((cypher.match(/COLLECT \{/g) ?? []).length).toBe(lists + 1);
      expect(params[`asOf${lists - 1}`]).toBe((lists - 1) % 3 === 0 ? undefined : lists - 1);
    }
  });
});
