import { expect, it } from 'vitest';
import { describeEachStore } from '../support/each-store.js';
import { errorCodes, graphql } from '../support/graphql.js';
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

describeEachStore(
  'upserts take a basis revealed by episode (basisRevisions), as seeds and importBatch do',
  (service) => {
    const yoga = () => writableYoga(service().store);
    const SERIES = 'soundtrack-1';
    const find = (list: any[], slug: string) => list.find((r: any) => r.slug === slug) ?? null;
    /** Each judged record an upsert writes, and how a viewer reads its certainty and basis back. */
    const WRITES = {
      character: {
        field: 'upsertCharacter',
        type: 'UpsertCharacterInput',
        input: (slug: string) => ({ series: SERIES, slug, name: 'Inferred One', firstEpisode: 1 }),
        read: `{ it: character(series: "${SERIES}", slug: "inferred-one") { slug certainty basis } }`,
        pick: (data: any) => data.it,
      },
      casting: {
        field: 'upsertCasting',
        type: 'UpsertCastingInput',
        input: () => ({ series: SERIES, person: 'han-so-hee', character: 'eun-soo', billing: 'MAIN' }),
        read: `{ series(slug: "${SERIES}") { cast { character { slug } certainty basis } } }`,
        pick: (data: any) => data.series.cast.find((c: any) => c.character.slug === 'eun-soo'),
      },
      relationship: {
        field: 'upsertRelationship',
        type: 'UpsertRelationshipInput',
        input: (slug: string) => ({
          series: SERIES,
          slug,
          kind: 'RIVAL',
          from: 'eun-soo',
          to: 'sun-woo',
          mutual: true,
          since: 1,
        }),
        read: `{ it: character(series: "${SERIES}", slug: "eun-soo") { relationships { slug certainty basis } } }`,
        pick: (data: any) => find(data.it.relationships, 'inferred-one'),
      },
      event: {
        field: 'upsertPlotEvent',
        type: 'UpsertPlotEventInput',
        input: (slug: string) => ({
          series: SERIES,
          slug,
          episode: 2,
          sequence: 1,
          kind: 'MOMENT',
          summary: 'Eun-soo glances at Sun-woo.',
          agent: 'eun-soo',
        }),
        read: `{ it: episode(series: "${SERIES}", number: 2) { events { slug certainty basis } } }`,
        pick: (data: any) => find(data.it.events, 'inferred-one'),
      },
    } as const;
    type Write = keyof typeof WRITES;
    const KINDS = Object.keys(WRITES) as Write[];
    const write = (what: Write, input: Record<string, unknown>, slug = 'inferred-one') => {
      const w = WRITES[what];
      const name = w.field[0]!.toUpperCase() + w.field.slice(1);
      return mutate(
        yoga(),
        w.field,
        `($input: ${w.type}!)`,
        { input: { ...w.input(slug), certainty: 'INFERRED', source: SOURCE, ...input } },
        `... on ValidationError { issues { rule path } } ... on ${name}Success { __typename }`,
      );
    };
    const basisAt = async (what: Write, headers: Record<string, string>) => {
      const response = await graphql(service().yoga, WRITES[what].read, undefined, headers);
      expect(response.errors).toBeUndefined();
      return WRITES[what].pick(response.data);
    };
    const REVISIONS = [
      { fromEpisode: 4, text: '  Later, a line in the finale says so.  ' },
      { fromEpisode: 2, text: 'Read from how they look at each other.' },
    ];

    it.each(KINDS)(
      '%s: stores basisRevisions (unsorted, trimmed) and shows each viewer the basis of their progress',
      async (what) => {
        const written = await write(what, { basisRevisions: REVISIONS });
        expect(written.errors).toBeUndefined();
        expect(written.data![WRITES[what].field].__typename).toMatch(/Success$/);
        expect(await basisAt(what, { 'x-watched-through': `${SERIES}@2` })).toMatchObject({
          certainty: 'INFERRED',
          basis: 'Read from how they look at each other.',
        });
        expect(await basisAt(what, { 'x-watched-through': `${SERIES}@3` })).toMatchObject({
          basis: 'Read from how they look at each other.',
        });
        expect(await basisAt(what, {})).toMatchObject({ basis: 'Later, a line in the finale says so.' });
        // the one-string form still works and means "from the start"
        const plain = await write(what, { basis: 'One line, from the start.' });
        expect(plain.data![WRITES[what].field].__typename).toMatch(/Success$/);
        expect(await basisAt(what, { 'x-watched-through': `${SERIES}@2` })).toMatchObject({
          basis: 'One line, from the start.',
        });
      },
    );

    const many = Array.from({ length: 51 }, (_, i) => ({ fromEpisode: (i % 4) + 1, text: `Reason ${i}.` }));
    const revisions = (...list: [number, string][]) => list.map(([fromEpisode, text]) => ({ fromEpisode, text }));
    it.each([
      [
        'basis and basisRevisions together',
        { basis: 'x', basisRevisions: revisions([1, 'y']) },
        'one-of',
        ['input', 'basisRevisions'],
      ],
      [
        'a revision from episode 0',
        { basisRevisions: revisions([0, 'x']) },
        'range',
        ['input', 'basisRevisions', '0', 'fromEpisode'],
      ],
      [
        'a revision past the last episode',
        { basisRevisions: revisions([1, 'x'], [5, 'y']) },
        'reference',
        ['input', 'basisRevisions', '1', 'fromEpisode'],
      ],
      [
        'a revision past the last episode, listed first',
        { basisRevisions: revisions([6, 'y'], [1, 'x'], [2, 'z']) },
        'reference',
        ['input', 'basisRevisions', '0', 'fromEpisode'],
      ],
      [
        'two revisions from one episode',
        { basisRevisions: revisions([3, 'x'], [1, 'y'], [3, 'z']) },
        'duplicate',
        ['input', 'basisRevisions', '2', 'fromEpisode'],
      ],
      ['more than 50 revisions', { basisRevisions: many }, 'max-items', ['input', 'basisRevisions']],
      [
        'an empty text',
        { basisRevisions: revisions([1, '   ']) },
        'not-empty',
        ['input', 'basisRevisions', '0', 'text'],
      ],
      [
        'an invisible text',
        { basisRevisions: revisions([1, '\u200b\u2060']) },
        'visible',
        ['input', 'basisRevisions', '0', 'text'],
      ],
      [
        'a text of two lines',
        { basisRevisions: revisions([1, 'one\ntwo']) },
        'one-line',
        ['input', 'basisRevisions', '0', 'text'],
      ],
      [
        'a text over 500 characters',
        { basisRevisions: revisions([1, 'x'.repeat(501)]) },
        'max-length',
        ['input', 'basisRevisions', '0', 'text'],
      ],
      [
        'revisions on a STATED fact',
        { certainty: 'STATED', basisRevisions: revisions([1, 'x']) },
        'basis-only-inferred',
        ['input', 'basisRevisions'],
      ],
      ['an empty list on an INFERRED fact', { basisRevisions: [] }, 'basis-required', ['input', 'basisRevisions']],
    ])('refuses %s with a coded issue at its path, writing nothing', async (_name, input, rule, path) => {
      for (const what of KINDS) {
        const before = await basisAt(what, {});
        const response = await write(what, input, 'refused-basis');
        expect(response.errors, what).toBeUndefined();
        const result = response.data![WRITES[what].field];
        expect(result.__typename, what).toBe('ValidationError');
        expect(result.issues, what).toContainEqual(expect.objectContaining({ rule, path }));
        expect(await basisAt(what, {}), what).toEqual(before);
      }
      const refused = await graphql(
        service().yoga,
        `{ character(series: "${SERIES}", slug: "refused-basis") { slug } }`,
      );
      expect(refused.data!.character).toBeNull();
    });

    it('refuses a revision with __proto__, an unknown field or a wrong type as a GraphQL input error', async () => {
      for (const basisRevisions of [
        JSON.parse('[{"fromEpisode": 1, "text": "x", "__proto__": {"polluted": true}}]'),
        [{ fromEpisode: 1, text: 'x', extra: 1 }],
        [{ fromEpisode: '1', text: 'x' }],
        [{ fromEpisode: 1, text: 7 }],
        'one string',
      ]) {
        const response = await write('character', { basisRevisions }, 'refused-proto');
        expect(errorCodes(response), JSON.stringify(basisRevisions)).toContain('BAD_USER_INPUT');
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }
    });
  },
);
