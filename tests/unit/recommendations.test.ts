import { describe, expect, it } from 'vitest';
import { recommend, type SeriesProfile } from '../../src/domain/recommendations.js';

const profile = (slug: string, tropes: SeriesProfile['tropes'], people: string[], genres: string[]): SeriesProfile => ({
  seriesKey: slug,
  slug,
  tropes,
  people,
  genres,
});

const SUBJECT = profile('home', ['TIME_SKIP', 'FRIENDS_TO_LOVERS'], ['ann', 'bob'], ['romance', 'music']);
const CATALOGUE = [
  SUBJECT,
  profile('genre-only', [], [], ['romance']),
  profile('person-and-genre', [], ['bob'], ['music']),
  profile('trope', ['FRIENDS_TO_LOVERS'], [], []),
  profile('also-trope', ['FRIENDS_TO_LOVERS'], ['zed'], ['crime']),
  profile('nothing', ['LOVE_TRIANGLE'], ['zed'], ['crime']),
];

describe('recommend', () => {
  it('ranks by weighted shared tropes (3), people (2) and genres (1), ties by slug, never the series itself', () => {
    const ranked = recommend(SUBJECT, CATALOGUE, 10);
    expect(ranked.map((r) => [r.slug, r.score])).toEqual([
      ['also-trope', 3],
      ['person-and-genre', 3],
      ['trope', 3],
      ['genre-only', 1],
    ]);
    expect(ranked[1]!.reasons).toEqual([
      { kind: 'SHARED_PERSON', weight: 2, trope: null, personKey: 'bob', genre: null },
      { kind: 'SHARED_GENRE', weight: 1, trope: null, personKey: null, genre: 'music' },
    ]);
  });

  it('lists reasons tropes first in trope order, then people, then genres', () => {
    const twin = profile('twin', ['FRIENDS_TO_LOVERS', 'TIME_SKIP'], ['bob', 'ann'], ['music', 'romance']);
    const [only] = recommend(SUBJECT, [twin], 5);
    expect(only!.score).toBe(12);
    expect(only!.reasons.map((r) => r.trope ?? r.personKey ?? r.genre)).toEqual([
      'FRIENDS_TO_LOVERS',
      'TIME_SKIP',
      'ann',
      'bob',
      'music',
      'romance',
    ]);
  });

  it('stops at first', () => {
    expect(recommend(SUBJECT, CATALOGUE, 2).map((r) => r.slug)).toEqual(['also-trope', 'person-and-genre']);
  });
});
