import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { externalUrls } from '../../src/domain/external-ids.js';
import { FIELD_RULES, patternProblem } from '../../src/domain/rules.js';
import { SeedValidationError } from '../../src/errors.js';
import { toGraphDocument } from '../../src/seed/document.js';
import { parseSeedText } from '../../src/seed/load.js';

const seedText = readFile(new URL('../../seeds/soundtrack-1.json', import.meta.url), 'utf8');
const withIds = async (series: unknown, person: unknown) => {
  const seed = JSON.parse(await seedText);
  if (series !== undefined) seed.series[0].externalIds = series;
  if (person !== undefined) seed.people[0].externalIds = person;
  return JSON.stringify(seed);
};

function issuesOf(text: string) {
  try {
    parseSeedText('ids.json', text);
  } catch (error) {
    expect(error).toBeInstanceOf(SeedValidationError);
    return (error as SeedValidationError).issues;
  }
  throw new Error('the seed was accepted');
}

describe('external ids in seed files', () => {
  it('are optional, and read as null for every site when left out', async () => {
    const doc = toGraphDocument([parseSeedText('ids.json', await seedText)]);
    const none = { wikidata: null, imdb: null, tmdb: null, tvmaze: null };
    expect(doc.series.every((s) => JSON.stringify(s.externalIds) === JSON.stringify(none))).toBe(true);
    expect(doc.people.every((p) => JSON.stringify(p.externalIds) === JSON.stringify(none))).toBe(true);
  });

  it('are kept as given, in one order, whatever order the file gives them in', async () => {
    const text = await withIds({ tvmaze: 12, imdb: 'tt0000012', wikidata: 'Q12' }, { imdb: 'nm0000012', tmdb: 3 });
    const doc = toGraphDocument([parseSeedText('ids.json', text)]);
    expect(Object.entries(doc.series[0]!.externalIds)).toEqual([
      ['wikidata', 'Q12'],
      ['imdb', 'tt0000012'],
      ['tmdb', null],
      ['tvmaze', 12],
    ]);
    expect(doc.people[0]!.externalIds).toEqual({ wikidata: null, imdb: 'nm0000012', tmdb: 3, tvmaze: null });
  });

  it.each([
    ['a Wikidata id of a property, not an item', { wikidata: 'P31' }, undefined, 'externalIds.wikidata', 'external-id'],
    ['a Wikidata id with a leading zero', { wikidata: 'Q012' }, undefined, 'externalIds.wikidata', 'external-id'],
    [
      'a Wikidata URL instead of its id',
      { wikidata: 'https://www.wikidata.org/wiki/Q42' },
      undefined,
      'externalIds.wikidata',
      'max-length',
    ],
    ['a person IMDb id on a series', { imdb: 'nm0000001' }, undefined, 'externalIds.imdb', 'external-id'],
    ['a series IMDb id on a person', undefined, { imdb: 'tt0000001' }, 'externalIds.imdb', 'external-id'],
    ['an IMDb id with six digits', { imdb: 'tt123456' }, undefined, 'externalIds.imdb', 'external-id'],
    ['an IMDb id in upper case', undefined, { imdb: 'NM0000001' }, 'externalIds.imdb', 'external-id'],
    ['a TMDB id of zero', { tmdb: 0 }, undefined, 'externalIds.tmdb', 'range'],
    ['a TMDB id as text', { tmdb: '42' }, undefined, 'externalIds.tmdb', 'invalid_type'],
    ['a TVmaze id past GraphQL Int', undefined, { tvmaze: 2 ** 31 }, 'externalIds.tvmaze', 'range'],
    ['a fractional TVmaze id', { tvmaze: 1.5 }, undefined, 'externalIds.tvmaze', 'range'],
    ['an unknown site', { letterboxd: 'x' }, undefined, 'externalIds', 'unrecognized_keys'],
    [
      '__proto__ as a site',
      JSON.parse('{"__proto__": {"wikidata": "Q1"}}'),
      undefined,
      'externalIds',
      'unrecognized_keys',
    ],
    ['a list instead of an object', ['Q42'], undefined, 'externalIds', 'invalid_type'],
  ])('refuses %s, naming the field and the rule', async (_case, series, person, field, rule) => {
    const issues = issuesOf(await withIds(series, person));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: 'ids.json', field, rule });
  });
});

describe('external id rules', () => {
  it('hold each site to its shape, with a message saying what it must be', () => {
    const rules = FIELD_RULES.series.externalIds;
    expect(patternProblem('Q42', rules.wikidata)).toBeNull();
    expect(patternProblem('tt0944947', rules.imdb)).toBeNull();
    expect(patternProblem('tt12345678', rules.imdb)).toBeNull();
    expect(patternProblem('Q42\u200b', rules.wikidata)).toEqual({
      rule: 'external-id',
      message: 'must be a Wikidata item id: Q and digits, such as Q42',
    });
    expect(patternProblem(`tt${'1'.repeat(30)}`, rules.imdb)?.rule).toBe('max-length');
    expect(patternProblem('nm0000001', FIELD_RULES.person.externalIds.imdb)).toBeNull();
  });

  it('link each known id to its page, in a fixed order, and nothing for unknown ones', () => {
    expect(externalUrls('series', { wikidata: 'Q1', imdb: 'tt0000001', tmdb: 2, tvmaze: 3 })).toEqual([
      'https://www.wikidata.org/wiki/Q1',
      'https://www.imdb.com/title/tt0000001/',
      'https://www.themoviedb.org/tv/2',
      'https://www.tvmaze.com/shows/3',
    ]);
    expect(externalUrls('person', { wikidata: null, imdb: 'nm0000001', tmdb: 2, tvmaze: null })).toEqual([
      'https://www.imdb.com/name/nm0000001/',
      'https://www.themoviedb.org/person/2',
    ]);
    expect(externalUrls('person', { wikidata: null, imdb: null, tmdb: null, tvmaze: null })).toEqual([]);
  });
});
