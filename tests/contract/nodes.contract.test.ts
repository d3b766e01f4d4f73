import { expect, it } from 'vitest';
import { describeEachStore } from '../support/each-store.js';
import { errorCodes, graphql } from '../support/graphql.js';

const globalId = (typename: string, key: string) => Buffer.from(`${typename}:${key}`).toString('base64');

describeEachStore('Relay object identification', (service) => {
  it('refetches every kind of node by the id it was served with', async () => {
    const listed = await graphql(
      service().yoga,
      `{ series(slug: "soundtrack-1") { id episodes { id } characters { id }
          starring { id } }
         character(series: "soundtrack-1", slug: "eun-soo") { relationships { id } events(kinds: [KISS]) { id } } }`,
    );
    expect(listed.errors).toBeUndefined();
    const { series, character } = listed.data!;
    const ids: string[] = [
      series.id,
      series.episodes[3].id,
      series.characters[0].id,
      series.starring[0].id,
      character.relationships[0].id,
      character.events[0].id,
    ];
    for (const id of ids) {
      const response = await graphql(service().yoga, 'query ($id: ID!) { node(id: $id) { __typename id } }', { id });
      expect(response.errors).toBeUndefined();
      expect(response.data?.node.id).toBe(id);
    }
    expect(ids.map((id) => Buffer.from(id, 'base64').toString().split(':')[0])).toEqual([
      'Series',
      'Episode',
      'Character',
      'Person',
      'Relationship',
      'PlotEvent',
    ]);
  });

  it('resolves a known id to its fields', async () => {
    const response = await graphql(
      service().yoga,
      'query ($id: ID!) { node(id: $id) { ... on Character { slug name series { slug } } } }',
      { id: globalId('Character', 'soundtrack-1/woo-il') },
    );
    expect(response.data?.node).toEqual({ slug: 'woo-il', name: 'Woo-il', series: { slug: 'soundtrack-1' } });
  });

  it('answers missing ids as null beside existing ones of every node type, in one request', async () => {
    const listed = await graphql(
      service().yoga,
      `{ series(slug: "soundtrack-1") { id episodes { id } characters { id } starring { id } }
         character(series: "soundtrack-1", slug: "eun-soo") { relationships { id } events(kinds: [KISS]) { id } } }`,
    );
    expect(listed.errors).toBeUndefined();
    const { series, character } = listed.data!;
    const existing = [
      series.id,
      series.episodes[0].id,
      series.characters[0].id,
      series.starring[0].id,
      character.relationships[0].id,
      character.events[0].id,
      globalId('PlotEvent', 'soundtrack-1/sun-woo-goes-away'),
    ];
    const missing = [
      globalId('Series', 'zz'),
      globalId('Episode', 'soundtrack-1/999'),
      globalId('Character', 'soundtrack-1/zz'),
      globalId('Person', 'zz'),
      globalId('Relationship', 'soundtrack-1/zz'),
      globalId('PlotEvent', 'soundtrack-1/zz'),
      globalId('PlotEvent', 'nowhere/__proto__'),
      globalId('Character', 'soundtrack-1/\u{1F600}\u0000'),
    ];
    // Interleaved, so every batch of the request holds both kinds.
    const ids = existing.flatMap((id, i) => [id, missing[i]!]).concat(missing.slice(existing.length));
    const fields = ids.map((_id, i) => `n${i}: node(id: $id${i}) { __typename id }`).join(' ');
    const variables = Object.fromEntries(ids.map((id, i) => [`id${i}`, id]));
    const query = `query (${ids.map((_id, i) => `$id${i}: ID!`).join(', ')}) { ${fields} }`;
    const response = await graphql(service().yoga, query, variables);
    expect(response.errors).toBeUndefined();
    const answered = ids.map((_id, i) => response.data?.[`n${i}`]?.id ?? null);
    expect(answered).toEqual(ids.map((id) => (existing.includes(id) ? id : null)));
  });

  it('answers null for a well-formed id of nothing', async () => {
    const response = await graphql(service().yoga, 'query ($id: ID!) { node(id: $id) { id } }', {
      id: globalId('Character', 'soundtrack-1/nobody'),
    });
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ node: null });
  });

  it.each(['Character', 'Series', 'Person', 'PlotEvent', 'Relationship', 'Episode'])(
    'answers null, not an error, for a %s id far longer than any key',
    async (type) => {
      const response = await graphql(service().yoga, 'query ($id: ID!) { node(id: $id) { id } }', {
        id: globalId(type, `soundtrack-1/${'x'.repeat(20_000)}`),
      });
      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual({ node: null });
    },
  );

  it.each([
    ['garbage', '!!!'],
    ['base64 without a type', Buffer.from('soundtrack-1').toString('base64')],
    ['a type that is not a node', globalId('Casting', 'soundtrack-1/eun-soo@han-so-hee')],
    ['an empty id', ''],
  ])('rejects %s with INVALID_ID', async (_name, id) => {
    const response = await graphql(service().yoga, 'query ($id: ID!) { node(id: $id) { id } }', { id });
    expect(response.status).toBeLessThan(500);
    expect(errorCodes(response)).toEqual(['INVALID_ID']);
  });
});
