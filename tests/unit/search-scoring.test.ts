import { describe, expect, it } from 'vitest';
import { NO_EXTERNAL_IDS } from '../../src/domain/build.js';
import type { CharacterRecord, EpisodeRecord, PersonRecord } from '../../src/domain/records.js';
import { choseongOf, fold, isChoseongOnly, isSubsequence, mayMatch } from '../../src/domain/search/fold.js';
import { type Searchable, searchKeysOf } from '../../src/domain/search/keys.js';
import { rankHits } from '../../src/domain/search/score.js';

const character = (
  slug: string,
  name: string,
  nativeName: string | null = null,
  aliases: string[] = [],
): Searchable => ({
  type: 'character',
  record: {
    key: `s/${slug}`,
    seriesKey: 's',
    slug,
    name,
    nativeName,
    aliases: aliases.map((name) => ({ name, fromEpisode: 1 })),
    description: [],
    firstEpisode: null,
    certainty: 'STATED',
    basis: [],
    sources: [],
  } satisfies CharacterRecord,
});
const person = (slug: string, name: string): Searchable => ({
  type: 'person',
  record: {
    key: slug,
    slug,
    name,
    nativeName: null,
    externalIds: NO_EXTERNAL_IDS,
    sources: [],
  } satisfies PersonRecord,
});
const episode = (number: number): Searchable => ({
  type: 'episode',
  record: {
    key: `s/${number}`,
    seriesKey: 's',
    number,
    title: null,
    runtimeMinutes: null,
    sources: [],
  } satisfies EpisodeRecord,
});

describe('fold', () => {
  it.each(['Eun-soo', 'eunsoo', 'Eun Soo', 'EUN SOO', 'eun_soo!', 'Ｅｕｎ－ｓｏｏ'])('folds %s to eunsoo', (text) => {
    expect(fold(text)).toBe('eunsoo');
  });

  it('strips diacritics but keeps Hangul syllables and typed initial consonants whole', () => {
    expect(fold('Zoë Núñez')).toBe('zoenunez');
    expect(fold('사운드트랙 #1')).toBe('사운드트랙1');
    expect(fold('ㅅㅇ ㅌㄹ')).toBe('ㅅㅇㅌㄹ');
  });
});

describe('choseong', () => {
  it('takes the initial consonant of each syllable arithmetically, leaving other characters', () => {
    expect(choseongOf(fold('사운드트랙 #1'))).toBe('ㅅㅇㄷㅌㄹ1');
    expect(choseongOf('한소희')).toBe('ㅎㅅㅎ');
    expect(choseongOf('각힣')).toBe('ㄱㅎ');
  });

  it('recognises initials-only queries and in-order matches', () => {
    expect(isChoseongOnly('ㅅㅇㅌㄹ')).toBe(true);
    expect(isChoseongOnly('ㅅㅇ1')).toBe(false);
    expect(isSubsequence('ㅅㅇㅌㄹ', 'ㅅㅇㄷㅌㄹ1')).toBe(true);
    expect(isSubsequence('ㅇㅅ', 'ㅅㅇㄷㅌㄹ1')).toBe(false);
    expect(mayMatch('ㅅㅇㅌㄹ', 'ㅅㅇㄷㅌㄹ1')).toBe(true);
    expect(mayMatch('soo', 'eunsoo')).toBe(true);
    expect(mayMatch('sx', 'eunsoo')).toBe(false);
  });
});

describe('search keys', () => {
  it('keeps every name, native-script name and alias, with initials for Hangul, and the text they come from', () => {
    const keys = searchKeysOf(character('eun-soo', 'Eun-soo', '은수', ['Soo', 'Eun Soo']));
    expect(keys).toEqual([
      { text: 'Eun-soo', key: 'eunsoo', choseong: false },
      { text: '은수', key: '은수', choseong: false },
      { text: '은수', key: 'ㅇㅅ', choseong: true },
      { text: 'Soo', key: 'soo', choseong: false },
    ]);
  });

  it('finds episodes as "<series slug> episode <n>" and "… ep <n>"', () => {
    expect(searchKeysOf(episode(4)).map((k) => k.key)).toEqual(['sepisode4', 'sep4']);
  });
});

describe('rankHits', () => {
  const items = [
    character('sun-woo', 'Sun-woo'),
    character('eun-soo', 'Eun-soo'),
    character('mother', "Eun-soo's mother"),
    person('park', 'Park Hyung-sik'),
  ];

  it('ranks exact over prefix over later-word prefix over substring', () => {
    const ranked = (q: string) => rankHits(fold(q), items, 10).map((h) => [h.matchedOn, h.score]);
    expect(ranked('eun soo')).toEqual([
      ['Eun-soo', 1.1],
      ["Eun-soo's mother", 0.8462],
    ]);
    expect(ranked('hyung')).toEqual([['Park Hyung-sik', 0.7417]]);
    expect(ranked('woo')).toEqual([['Sun-woo', 0.75]]);
    expect(ranked('unwo')).toEqual([['Sun-woo', 0.5667]]);
  });

  it('breaks ties by type, then key, and cuts at first', () => {
    const twins = [person('b', 'Min'), character('a', 'Min'), person('a', 'Min')];
    expect(rankHits('min', twins, 2).map((h) => `${h.item.type}:${h.item.record.key}`)).toEqual([
      'character:s/a',
      'person:a',
    ]);
  });

  it('matches Hangul initials like names, and in order with gaps at the lowest tier', () => {
    const hangul = [character('eun-soo', 'Eun-soo', '은수'), character('x', 'X', '사운드트랙')];
    const ranked = (q: string) => rankHits(fold(q), hangul, 10).map((h) => [h.item.record.key, h.score]);
    expect(ranked('ㅇㅅ')).toEqual([['s/eun-soo', 1.1]]);
    expect(ranked('ㅅㅌ')).toEqual([['s/x', 0.34]]);
    expect(ranked('사운')).toEqual([['s/x', 0.84]]);
  });
});
