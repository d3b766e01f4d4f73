import { expect, it } from 'vitest';
import { describeEachStore } from '../support/each-store.js';
import { graphql } from '../support/graphql.js';
import { mutate, SOURCE, writableYoga } from '../support/writes.js';

const CONFESSIONS = (certainty: string) =>
  `{ events(filter: { series: "soundtrack-1", kinds: [CONFESSION]${certainty} }) {
    totalCount spoilersHidden edges { node { slug certainty basis outcome agent { slug } } } } }`;

describeEachStore('provenance: sources, certainty and basis', (service) => {
  const ask = async (query: string, headers: Record<string, string> = {}) => {
    const response = await graphql(service().yoga, query, undefined, headers);
    expect(response.errors).toBeUndefined();
    return response.data!;
  };

  it('answers "who confessed to whom?" from stated facts only, without the unspoken attempt, counted in the store', async () => {
    const all = await ask(CONFESSIONS(''));
    const stated = await ask(CONFESSIONS(', certainty: STATED'));
    const inferred = await ask(CONFESSIONS(', certainty: INFERRED'));
    const slugs = (data: any) => data.events.edges.map((e: any) => e.node.slug);
    expect(slugs(all)).toContain('walk-home-unsaid');
    expect(slugs(stated)).toEqual(['woo-il-confesses', 'eun-soo-confesses', 'sun-woo-finishes-the-lyrics']);
    expect(stated.events.totalCount).toBe(3);
    expect(inferred.events).toMatchObject({
      totalCount: 1,
      edges: [{ node: { slug: 'walk-home-unsaid', outcome: null } }],
    });
    expect(inferred.events.edges[0].node.basis).toMatch(/¶15/);
    for (const edge of stated.events.edges) expect(edge.node).toMatchObject({ certainty: 'STATED', basis: null });
    const at3 = await ask(CONFESSIONS(', certainty: STATED'), { 'x-watched-through': 'soundtrack-1@3' });
    // spoilersHidden counts every hidden event of the series: narrowed by kind or certainty it would tell what they are
    expect(at3.events).toMatchObject({ totalCount: 0, spoilersHidden: 34, edges: [] });
  });

  it('filters a character relationships by certainty, and lists every source with the first as `source`', async () => {
    const data = await ask(`{ character(series: "soundtrack-1", slug: "eun-soo") {
      stated: relationships(certainty: STATED) { kind certainty }
      inferred: relationships(certainty: INFERRED) { kind certainty basis }
      all: relationships { kind }
      certainty sources { paragraph } source { paragraph } }
      confession: events(filter: { series: "soundtrack-1", agent: "eun-soo", kinds: [CONFESSION], certainty: STATED }) {
        edges { node { sources { document paragraph } source { paragraph } } } }
      finale: episode(series: "soundtrack-1", number: 4) { isFinale }
      third: episode(series: "soundtrack-1", number: 3) { isFinale } }`);
    const c = data.character;
    expect(c.stated.every((r: any) => r.certainty === 'STATED')).toBe(true);
    expect(c.inferred.every((r: any) => r.certainty === 'INFERRED' && r.basis.length > 0)).toBe(true);
    expect(c.inferred.map((r: any) => r.kind)).toContain('FRIEND');
    expect(c.stated.length + c.inferred.length).toBe(c.all.length);
    expect(c.sources).toEqual([{ paragraph: 4 }, { paragraph: 24 }]);
    expect(c.source).toEqual({ paragraph: 4 });
    expect(data.confession.edges[0].node.sources.map((s: any) => s.paragraph)).toEqual([24, 25]);
    expect(data.confession.edges[0].node.source).toEqual({ paragraph: 24 });
    expect(data.finale.isFinale).toBe(true);
    expect(data.third.isFinale).toBe(false);
  });
});

describeEachStore('writes take revealed text, several sources and certainty', (service) => {
  const yoga = () => writableYoga(service().store);
  const character = (input: Record<string, unknown>) =>
    mutate(
      yoga(),
      'upsertCharacter',
      '($input: UpsertCharacterInput!)',
      { input: { series: 'soundtrack-1', slug: 'newcomer', name: 'Newcomer', firstEpisode: 1, ...input } },
      '... on ValidationError { issues { rule path } } ... on UpsertCharacterSuccess { character { slug } }',
    );

  it('stores a description revealed by episode and shows each viewer the text of their progress', async () => {
    const written = await character({
      descriptionRevisions: [
        { fromEpisode: 3, text: '  A secret comes out.  ' },
        { fromEpisode: 1, text: 'A stranger in town.' },
      ],
      certainty: 'INFERRED',
      basis: 'Seen in the background of every episode.',
      sources: [SOURCE, { document: 'Contract fixture', paragraph: 9 }],
    });
    expect(written.errors).toBeUndefined();
    expect(written.data!.upsertCharacter.__typename).toBe('UpsertCharacterSuccess');
    const read = async (headers: Record<string, string>) =>
      (
        await graphql(
          service().yoga,
          `{ character(series: "soundtrack-1", slug: "newcomer") {
            description descriptionRevisions { fromEpisode text } certainty basis sources { paragraph } } }`,
          undefined,
          headers,
        )
      ).data!.character;
    expect(await read({ 'x-watched-through': 'soundtrack-1@2' })).toMatchObject({
      description: 'A stranger in town.',
      descriptionRevisions: [{ fromEpisode: 1, text: 'A stranger in town.' }],
      certainty: 'INFERRED',
      sources: [{ paragraph: 1 }, { paragraph: 9 }],
    });
    expect((await read({})).description).toBe('A secret comes out.');
    expect((await read({ 'x-watched-through': 'soundtrack-1@3' })).descriptionRevisions).toHaveLength(2);
    const plain = await character({ description: 'One text.', source: SOURCE });
    expect(plain.data!.upsertCharacter.__typename).toBe('UpsertCharacterSuccess');
    expect((await read({ 'x-watched-through': 'soundtrack-1@1' })).descriptionRevisions).toEqual([
      { fromEpisode: 1, text: 'One text.' },
    ]);
  });

  it.each([
    [
      'a revision past the last episode',
      { descriptionRevisions: [{ fromEpisode: 5, text: 'x' }], source: SOURCE },
      'reference',
    ],
    [
      'two revisions from one episode',
      {
        descriptionRevisions: [
          { fromEpisode: 2, text: 'x' },
          { fromEpisode: 2, text: 'y' },
        ],
        source: SOURCE,
      },
      'duplicate',
    ],
    ['a description and its revisions', { description: 'x', descriptionRevisions: [], source: SOURCE }, 'one-of'],
    ['an INFERRED fact without a basis', { certainty: 'INFERRED', source: SOURCE }, 'basis-required'],
    ['a STATED fact with a basis', { basis: 'why', source: SOURCE }, 'basis-only-inferred'],
    ['no source at all', {}, 'source-required'],
    ['both source and sources', { source: SOURCE, sources: [SOURCE] }, 'one-of'],
    ['an empty revision', { descriptionRevisions: [{ fromEpisode: 1, text: '\u200b' }], source: SOURCE }, 'visible'],
  ])('refuses %s with a coded issue, writing nothing', async (_name, input, rule) => {
    const response = await character({ slug: 'refused', ...input });
    expect(response.data!.upsertCharacter.__typename).toBe('ValidationError');
    expect(response.data!.upsertCharacter.issues.map((i: any) => i.rule)).toContain(rule);
    const after = await graphql(service().yoga, '{ character(series: "soundtrack-1", slug: "refused") { slug } }');
    expect(after.data!.character).toBeNull();
  });
});
