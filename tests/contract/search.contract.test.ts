import { beforeAll, describe, expect, it } from 'vitest';
import { NO_EXTERNAL_IDS } from '../../src/domain/build.js';
import { emptyDocument } from '../../src/domain/collections.js';
import { changeSet } from '../../src/domain/integrity/changes.js';
import type { GraphDocument } from '../../src/domain/records.js';
import { choseongOf, fold } from '../../src/domain/search/fold.js';
import type { Searchable } from '../../src/domain/search/keys.js';
import { rankHits } from '../../src/domain/search/score.js';
import { loadSeedDirectory } from '../../src/seed/load.js';
import { MAX_PATTERN_CHARS, MAX_PATTERN_INITIALS } from '../../src/store/neo4j/cypher-knowledge.js';
import { describeEachStore } from '../support/each-store.js';
import { errorCodes, graphql } from '../support/graphql.js';
import { SEARCH_FIXTURE } from '../support/search-fixture.js';
import { SEED_DIR } from '../support/seeded.js';

const SEARCH = `query Search($query: String!, $first: Int) {
  search(query: $query, first: $first) {
    score matchedOn
    node { __typename ... on Series { slug } ... on Episode { number } ... on Character { slug } ... on Person { slug } } } }`;

type Hit = { score: number; matchedOn: string; node: { __typename: string; slug?: string; number?: number } };
const label = (h: Hit) => `${h.node.__typename}:${h.node.slug ?? h.node.number}`;

/** Every searchable record the stores hold here (the seed, then the fixture), as the shared scorer sees them. */
function searchables(documents: GraphDocument[]): Searchable[] {
  const byKey = new Map<string, Searchable>();
  for (const d of documents) {
    for (const record of d.series) byKey.set(`series:${record.key}`, { type: 'series', record });
    for (const record of d.episodes) byKey.set(`episode:${record.key}`, { type: 'episode', record });
    for (const record of d.characters) byKey.set(`character:${record.key}`, { type: 'character', record });
    for (const record of d.people) byKey.set(`person:${record.key}`, { type: 'person', record });
  }
  return [...byKey.values()];
}

const TYPENAMES = { series: 'Series', episode: 'Episode', character: 'Character', person: 'Person' } as const;

/** The answer any store must give: the shared scorer over every record, with no store in between. */
const reference = (all: Searchable[], query: string, first = 10) =>
  rankHits(fold(query), all, first).map((hit) => ({
    score: hit.score,
    matchedOn: hit.matchedOn,
    label: `${TYPENAMES[hit.item.type]}:${hit.item.type === 'episode' ? hit.item.record.number : hit.item.record.slug}`,
  }));

/** A name with more initials and letters than the Neo4j store's Lucene pattern holds. */
const LONG_NAMES: GraphDocument = {
  ...emptyDocument(),
  characters: [
    {
      key: 'search-fixture/long-name',
      seriesKey: 'search-fixture',
      slug: 'long-name',
      name: 'Kim Byeong-cheol Hwang-bo Jae-gyeong Seon-u Ha-neul Geum-jan-di Yeon-ha-rin Dok-go Jin-hyeok',
      nativeName: '김병철황보재경선우하늘금잔디연하린독고진혁',
      aliases: [],
      description: [],
      firstEpisode: null,
      sources: [],
      certainty: 'STATED',
      basis: [],
    },
  ],
};

const INITIALS = 'ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ';
const MIXED = 'Eun-soo 은수 ㅅㅇ Zoë 最智友 жизнь 😀 ﷺ 𠀀 e\u0301 ';

describeEachStore('search', (service) => {
  beforeAll(async () => {
    await service().store.importDocument(SEARCH_FIXTURE);
  });

  const search = async (query: string, first?: number): Promise<Hit[]> => {
    const response = await graphql(service().yoga, SEARCH, { query, first });
    expect(response.errors).toBeUndefined();
    return response.data!.search;
  };

  it.each(['Eun-soo', 'eunsoo', 'Eun Soo', 'EUN SOO', 'eun_soo'])(
    'finds Eun-soo first however a fan types %s',
    async (query) => {
      const hits = await search(query);
      expect(hits.map(label)).toEqual(['Character:eun-soo', 'Character:eun-soos-mother']);
      expect(hits[0]).toMatchObject({ score: 1.1, matchedOn: 'Eun-soo' });
    },
  );

  it('finds Soundtrack #1 by the initial consonants of its Korean title, in order', async () => {
    expect(await search('ㅅㅇㅌㄹ')).toEqual([
      { score: 0.3667, matchedOn: '사운드트랙 #1', node: { __typename: 'Series', slug: 'soundtrack-1' } },
    ]);
    expect((await search('ㅅㅇㄷㅌㄹ'))[0]).toMatchObject({ score: 0.8833, matchedOn: '사운드트랙 #1' });
    expect((await search('사운드트랙'))[0]).toMatchObject({ score: 0.8833, node: { slug: 'soundtrack-1' } });
  });

  it('finds an episode by series and number', async () => {
    expect((await search('soundtrack-1 episode 4'))[0]).toEqual({
      score: 1.1,
      matchedOn: 'soundtrack-1 episode 4',
      node: { __typename: 'Episode', number: 4 },
    });
    expect((await search('Soundtrack 1 ep 2'))[0]).toMatchObject({ node: { number: 2 } });
  });

  it('finds people by any part of their name, and characters by alias and native-script name', async () => {
    expect((await search('hyung sik')).map(label)).toEqual(['Person:park-hyung-sik']);
    expect((await search('Jiwoo')).map((h) => [label(h), h.matchedOn])).toEqual([['Character:ji-woo', 'Ji-woo']]);
    expect((await search('Dr. Choi')).map((h) => [label(h), h.matchedOn])).toEqual([['Character:ji-woo', 'Dr. Choi']]);
    expect((await search('지우')).map((h) => [label(h), h.matchedOn])).toEqual([['Character:ji-woo', '최지우']]);
    expect((await search('ㅊㅈㅇ')).map(label)).toEqual(['Character:ji-woo']);
    expect((await search('Zoe')).map((h) => [label(h), h.matchedOn])).toEqual([['Person:zoe-lefevre', 'Zoë Lefèvre']]);
  });

  it('ranks exact before prefix before substring, ties by type then key, and honours first', async () => {
    const hits = await search('soo', 50);
    expect(hits.map((h) => [label(h), h.score])).toEqual(
      [...hits].sort((a, b) => b.score - a.score).map((h) => [label(h), h.score]),
    );
    expect((await search('o', 3)).length).toBe(3);
    expect(await search('o', 3)).toEqual((await search('o', 50)).slice(0, 3));
  });

  it('gives hits that node(id:) fetches again', async () => {
    const found = await graphql(
      service().yoga,
      '{ search(query: "sun woo", first: 1) { node { ... on Character { id name } } } }',
    );
    const { id, name } = found.data!.search[0].node;
    const again = await graphql(service().yoga, 'query ($id: ID!) { node(id: $id) { ... on Character { name } } }', {
      id,
    });
    expect(again.data).toEqual({ node: { name } });
  });

  describe('answers any query the API accepts as the shared scorer does over every record, on every store', () => {
    let all: Searchable[];
    beforeAll(async () => {
      await service().store.importDocument(LONG_NAMES);
      all = searchables([await loadSeedDirectory(SEED_DIR), SEARCH_FIXTURE, LONG_NAMES]);
    });

    it.each([
      ['168 repeated initials', 'ㄱ'.repeat(168)],
      ['200 repeated initials', 'ㅅ'.repeat(200)],
      ['200 mixed initials', Array.from({ length: 200 }, (_, i) => INITIALS[(i * 7) % INITIALS.length]).join('')],
      ['initials that do match, then too many', `ㅊㅈㅇ${'ㅎ'.repeat(150)}`],
      ['200 mixed Hangul jamo', 'ㄱㅏㄴㅑㄷㅓㄹㅕㅁㅗ'.repeat(20)],
      ['200 characters of mixed scripts', MIXED.repeat(20).slice(0, 200)],
      ['a long substring of a name', 'soundtrack-1 episode 4'.repeat(9)],
      ['Lucene operators', 'a+b-c&&d||e!(f){g}[h]^"i"~j*k?l:m\\n/o'],
      ['wildcards', 's*o?o'],
      ['a lone wildcard before a name', '*soo'],
      ['a Lucene keyword', 'soo AND NOT eun OR TO'],
      ['__proto__', '__proto__'],
      ['constructor', 'constructor'],
      ['emoji around a name', '😀Eun-soo👩‍👩‍👧'],
      ['combining marks', 'Zoe\u0308 Lefe\u0300vre'],
      ['a lone high surrogate', 'soo\ud800'],
      ['a lone low surrogate', '\udfffsoo'],
      ['initials with a lone surrogate', 'ㅊ\ud83dㅈㅇ'],
    ])('%s', async (_name, query) => {
      const hits = await search(query, 50);
      expect(hits.map((h) => ({ score: h.score, matchedOn: h.matchedOn, label: label(h) }))).toEqual(
        reference(all, query, 50),
      );
    });

    it('finds a name by more initials or a longer part than a Lucene pattern holds, and only where they fit', async () => {
      const [long] = LONG_NAMES.characters;
      const initials = choseongOf(fold(long!.nativeName!));
      expect(initials.length).toBeGreaterThan(MAX_PATTERN_INITIALS);
      expect((await search(initials)).map(label)).toEqual(['Character:long-name']);
      expect(
        (
          await search(
            Array.from(initials)
              .filter((_c, i) => i % 3 !== 1)
              .join(''),
          )
        ).map(label),
      ).toEqual(['Character:long-name']);
      expect(
        await search(`${initials.slice(0, MAX_PATTERN_INITIALS)}ㅋ${initials.slice(MAX_PATTERN_INITIALS)}`),
      ).toEqual([]);
      const name = fold(long!.name);
      expect(name.length).toBeGreaterThan(MAX_PATTERN_CHARS);
      expect((await search(name.slice(1))).map(label)).toEqual(['Character:long-name']);
      expect(await search(`${name.slice(0, MAX_PATTERN_CHARS + 2)}x${name.slice(MAX_PATTERN_CHARS + 2)}`)).toEqual([]);
    });
  });

  it.each([
    ['201 initials', 'ㄱ'.repeat(201)],
    ['1,000 characters of mixed scripts', MIXED.repeat(40).slice(0, 1000)],
    ['10,000 letters', 'a'.repeat(10_000)],
  ])('refuses a query over 200 characters (%s) with BAD_USER_INPUT', async (_name, query) => {
    const response = await graphql(service().yoga, SEARCH, { query });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors![0]!.message).toContain('at most 200 characters');
  });

  it('answers nothing for what matches nothing', async () => {
    expect(await search('qqqzzz')).toEqual([]);
  });

  it.each([
    ['an empty query', ''],
    ['a blank query', '   '],
    ['punctuation only', '#-!'],
  ])('refuses %s with BAD_USER_INPUT', async (_name, query) => {
    expect(errorCodes(await graphql(service().yoga, SEARCH, { query }))).toEqual(['BAD_USER_INPUT']);
  });

  it.each([0, 51, -1])('refuses first: %i with BAD_USER_INPUT', async (first) => {
    expect(errorCodes(await graphql(service().yoga, SEARCH, { query: 'soo', first }))).toEqual(['BAD_USER_INPUT']);
  });

  it('costs one store round trip', async () => {
    const before = service().store.roundTrips;
    await search('Eun Soo');
    expect(service().store.roundTrips - before).toBe(1);
  });

  it('finds a person and a series that share a key, and keeps the series when the person goes', async () => {
    const person = {
      key: 'soundtrack-1',
      slug: 'soundtrack-1',
      name: 'Soundtrack Singer',
      nativeName: null,
      externalIds: NO_EXTERNAL_IDS,
      sources: [],
    };
    await service().store.importDocument({ ...emptyDocument(), people: [person] });
    expect((await search('soundtrack', 50)).map(label)).toEqual(
      expect.arrayContaining(['Series:soundtrack-1', 'Person:soundtrack-1']),
    );
    await service().store.applyChanges(changeSet({ deletes: { people: ['soundtrack-1'] } }));
    const after = (await search('soundtrack', 50)).map(label);
    expect(after).toContain('Series:soundtrack-1');
    expect(after).not.toContain('Person:soundtrack-1');
  });
});
