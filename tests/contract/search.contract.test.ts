import { beforeAll, expect, it } from 'vitest';
import { changeSet } from '../../src/domain/writes/changes.js';
import { emptyDocument } from '../../src/seed/document.js';
import { describeEachStore } from '../support/each-store.js';
import { errorCodes, graphql } from '../support/graphql.js';
import { SEARCH_FIXTURE } from '../support/search-fixture.js';

const SEARCH = `query Search($query: String!, $first: Int) {
  search(query: $query, first: $first) {
    score matchedOn
    node { __typename ... on Series { slug } ... on Episode { number } ... on Character { slug } ... on Person { slug } } } }`;

type Hit = { score: number; matchedOn: string; node: { __typename: string; slug?: string; number?: number } };
const label = (h: Hit) => `${h.node.__typename}:${h.node.slug ?? h.node.number}`;

describeEachStore('search', (service) => {
  beforeAll(async () => {
    await service().store.importDocument(SEARCH_FIXTURE);
  });

  const search = async (query: string, first?: number): Promise<Hit[]> => {
    const response = await graphql(service().yoga, SEARCH, { query, first });
    expect(response.errors).toBeUndefined();
    return response.data!.search;
  };

  it.each(['Eun-soo', 'eunsoo', 'Eun Soo', 'EUN SOO', 'eun_soo'])('finds Eun-soo first however a fan types %s', async (query) => {
    const hits = await search(query);
    expect(hits.map(label)).toEqual(['Character:eun-soo', "Character:eun-soos-mother"]);
    expect(hits[0]).toMatchObject({ score: 1.1, matchedOn: 'Eun-soo' });
  });

  it('finds Soundtrack #1 by the initial consonants of its Korean title, in order', async () => {
    expect(await search('ㅅㅇㅌㄹ')).toEqual([
      { score: 0.3667, matchedOn: '사운드트랙 #1', node: { __typename: 'Series', slug: 'soundtrack-1' } },
    ]);
    expect((await search('ㅅㅇㄷㅌㄹ'))[0]).toMatchObject({ score: 0.8833, matchedOn: '사운드트랙 #1' });
    expect((await search('사운드트랙'))[0]).toMatchObject({ score: 0.8833, node: { slug: 'soundtrack-1' } });
  });

  it('finds an episode by series and number', async () => {
    expect((await search('soundtrack-1 episode 4'))[0]).toEqual({
      score: 1.1, matchedOn: 'soundtrack-1 episode 4', node: { __typename: 'Episode', number: 4 },
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
    const found = await graphql(service().yoga, '{ search(query: "sun woo", first: 1) { node { ... on Character { id name } } } }');
    const { id, name } = found.data!.search[0].node;
    const again = await graphql(service().yoga, 'query ($id: ID!) { node(id: $id) { ... on Character { name } } }', { id });
    expect(again.data).toEqual({ node: { name } });
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
    const person = { key: 'soundtrack-1', slug: 'soundtrack-1', name: 'Soundtrack Singer', nativeName: null, source: null };
    await service().store.importDocument({ ...emptyDocument(), people: [person] });
    expect((await search('soundtrack', 50)).map(label)).toEqual(expect.arrayContaining(['Series:soundtrack-1', 'Person:soundtrack-1']));
    await service().store.applyChanges(changeSet({ deletes: { people: ['soundtrack-1'] } }));
    const after = (await search('soundtrack', 50)).map(label);
    expect(after).toContain('Series:soundtrack-1');
    expect(after).not.toContain('Person:soundtrack-1');
  });
});
