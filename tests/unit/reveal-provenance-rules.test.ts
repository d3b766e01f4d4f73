import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { type SeedIssue, SeedValidationError } from '../../src/errors.js';
import { toGraphDocument } from '../../src/seed/document.js';
import { parseSeedText } from '../../src/seed/load.js';

const seedText = readFile(new URL('../../seeds/soundtrack-1.json', import.meta.url), 'utf8');
const mutated = async (change: (seed: any) => void) => {
  const seed = JSON.parse(await seedText);
  change(seed.series[0]);
  return JSON.stringify(seed);
};
const character = (s: any, slug: string) => s.characters.find((c: any) => c.slug === slug);
const relationship = (s: any, slug: string) => s.relationships.find((r: any) => r.slug === slug);
const event = (s: any, slug: string) => s.events.find((e: any) => e.slug === slug);

function issuesOf(text: string): SeedIssue[] {
  try {
    parseSeedText('broken.json', text);
  } catch (error) {
    expect(error).toBeInstanceOf(SeedValidationError);
    return (error as SeedValidationError).issues;
  }
  throw new Error('the seed was accepted');
}

const revisions = (n: number) => Array.from({ length: n }, (_, i) => ({ fromEpisode: 1, text: `text ${i}` }));

describe('revealed text, sources and certainty obey one rule set', () => {
  it.each([
    ['a revision from episode 0', (s: any) => (character(s, 'eun-soo').description[0].fromEpisode = 0), 'range'],
    [
      'a revision past the last episode',
      (s: any) => (character(s, 'eun-soo').description[1].fromEpisode = 5),
      'reference',
    ],
    [
      'two revisions from one episode',
      (s: any) => (character(s, 'eun-soo').description[1].fromEpisode = 1),
      'duplicate',
    ],
    [
      'an empty revision',
      (s: any) => (relationship(s, 'eun-soo-sun-woo-best-friends').note[0].text = '  '),
      'not-empty',
    ],
    ['a revision as a number', (s: any) => (character(s, 'sun-woo').description = 42), 'invalid_type'],
    [
      'a revision with a string episode',
      (s: any) => (character(s, 'eun-soo').description[0].fromEpisode = '1'),
      'invalid_type',
    ],
    [
      'a revision with __proto__',
      (s: any) => (character(s, 'eun-soo').description[0] = JSON.parse('{"fromEpisode":1,"text":"x","__proto__":{}}')),
      'unrecognized_keys',
    ],
    ['51 revisions', (s: any) => (character(s, 'eun-soo').description = revisions(51)), 'max-items'],
    [
      'a lone surrogate in a revision',
      (s: any) => (character(s, 'eun-soo').description[0].text = 'a\ud800b'),
      'well-formed',
    ],
    [
      'a 5,001-character revision',
      (s: any) => (character(s, 'eun-soo').description[0].text = 'x'.repeat(5_001)),
      'max-length',
    ],
    [
      'an INFERRED fact without a basis',
      (s: any) => Object.assign(relationship(s, 'eun-soo-ma-ri-friends'), { basis: null }),
      'basis-required',
    ],
    [
      'a STATED fact with a basis',
      (s: any) => Object.assign(event(s, 'first-kiss'), { basis: 'because' }),
      'basis-only-inferred',
    ],
    [
      'two basis revisions from one episode',
      (s: any) => (s.castings[0].basis = [s.castings[0].basis[1], { fromEpisode: 4, text: 'again' }]),
      'duplicate',
    ],
    [
      'a basis revision past the last episode',
      (s: any) => (relationship(s, 'sun-woo-loves-eun-soo').basis[0].fromEpisode = 5),
      'reference',
    ],
    [
      '51 basis revisions',
      (s: any) =>
        (relationship(s, 'sun-woo-loves-eun-soo').basis = Array.from({ length: 51 }, (_, i) => ({
          fromEpisode: (i % 4) + 1,
          text: `why ${i}`,
        }))),
      'max-items',
    ],
    ['a basis revision of two lines', (s: any) => (s.castings[0].basis[0].text = 'one\ntwo'), 'one-line'],
    ['an unknown certainty', (s: any) => (event(s, 'first-kiss').certainty = 'LIKELY'), 'invalid_value'],
    [
      'an outcome on an INFERRED event',
      (s: any) => (event(s, 'walk-home-unsaid').outcome = 'WITHDRAWN'),
      'outcome-stated',
    ],
    [
      'both source and sources',
      (s: any) => (event(s, 'first-kiss').sources = [event(s, 'first-kiss').source]),
      'one-of',
    ],
    ['an event without any source', (s: any) => delete event(s, 'first-kiss').source, 'source-required'],
    [
      '21 sources',
      (s: any) =>
        (character(s, 'woo-il').sources = Array.from({ length: 21 }, (_, i) => ({ document: 'd', paragraph: i + 1 }))),
      'max-items',
    ],
  ])('refuses %s', async (_name, change, rule) => {
    const issues = issuesOf(await mutated(change));
    expect(issues.map((i) => i.rule)).toContain(rule);
  });

  it('takes one string as text from episode 1, sorts revisions, and keeps every source in order', async () => {
    const text = await mutated((s) => {
      character(s, 'woo-il').description = [
        { fromEpisode: 4, text: 'later 🎵 ‮text' },
        { fromEpisode: 2, text: 'earlier' },
      ];
      character(s, 'tae-yoon').description = 'from the start';
    });
    const doc = toGraphDocument([parseSeedText('ok.json', text)]);
    const find = (slug: string) => doc.characters.find((c) => c.slug === slug)!;
    expect(find('woo-il').description).toEqual([
      { fromEpisode: 2, text: 'earlier' },
      { fromEpisode: 4, text: 'later 🎵 ‮text' },
    ]);
    expect(find('tae-yoon').description).toEqual([{ fromEpisode: 1, text: 'from the start' }]);
    expect(find('sun-woo').sources.map((s) => s.paragraph)).toEqual([7, 12, 14, 15, 25]);
    expect(find('sun-woo').certainty).toBe('STATED');
    expect(doc.events.find((e) => e.slug === 'walk-home-unsaid')).toMatchObject({
      certainty: 'INFERRED',
      outcome: null,
    });
  });
});
