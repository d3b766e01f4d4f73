import { brandWithType } from '@pothos/core';
import { expect, it } from 'vitest';
import { createDramaYoga } from '../../src/yoga.js';
import { describeEachStore } from '../support/each-store.js';
import { errorCodes, graphql } from '../support/graphql.js';
import { WRITERS } from '../support/writes.js';

const SOURCE = { document: 'Contract fixture', paragraph: 1 };

/* Red team 41: after a node() lookup, an upsert of the same record answered an uncoded "Runtime Object type". */
describeEachStore('a write’s result type, after the record was read as a node', (service) => {
  it('is the success type for every upsert, however the record was read before', async () => {
    const yoga = createDramaYoga({ store: service().store, graphiql: false, tokens: WRITERS.tokens });
    const writes = [
      {
        mutation: 'mutation($i: UpsertCharacterInput!) { w: upsertCharacter(input: $i) { __typename } }',
        input: { series: 'soundtrack-1', slug: 'brand-probe', name: 'Brand Probe', source: SOURCE },
        read: '{ r: character(series: "soundtrack-1", slug: "brand-probe") { id } }',
      },
      {
        mutation: 'mutation($i: UpsertPersonInput!) { w: upsertPerson(input: $i) { __typename } }',
        input: { slug: 'brand-probe-person', name: 'Brand Probe Person', source: SOURCE },
        read: '{ r: person(slug: "brand-probe-person") { id } }',
      },
    ];
    for (const { mutation, input, read } of writes) {
      const write = () => graphql(yoga, mutation, { i: input }, WRITERS.bearer('admin'));
      expect((await write()).data).toMatchObject({ w: { __typename: expect.stringMatching(/Success$/) } });
      const id = (await graphql(yoga, read)).data!.r.id as string;
      for (const lookup of [`{ node(id: "${id}") { id } }`, '{ search(query: "Brand Probe") { __typename } }'])
        expect(errorCodes(await graphql(yoga, lookup))).toEqual([]);
      for (let again = 0; again < 3; again += 1) {
        const answer = await write();
        expect(errorCodes(answer), mutation).toEqual([]);
        expect(answer.data).toMatchObject({ w: { __typename: expect.stringMatching(/Success$/) } });
      }
    }
  });
});

describeEachStore('an error of the executor’s own', (service) => {
  it('is masked with INTERNAL_SERVER_ERROR, never answered uncoded with its internal message', async () => {
    // Records branded as the bug above branded them: graphql-js then reports a GraphQLError of its own, uncoded.
    const branding = new Proxy(service().store, {
      get: (target, property, receiver) =>
        property === 'charactersByKeys'
          ? async (keys: readonly string[]) =>
              (await target.charactersByKeys(keys)).map((c) => {
                if (c !== null) brandWithType(c, 'Character' as never);
                return c;
              })
          : Reflect.get(target, property, receiver),
    });
    const yoga = createDramaYoga({ store: branding, graphiql: false, tokens: WRITERS.tokens });
    const answer = await graphql(
      yoga,
      'mutation($i: UpsertCharacterInput!) { upsertCharacter(input: $i) { __typename } }',
      { i: { series: 'soundtrack-1', slug: 'brand-probe-2', name: 'Brand Probe', source: SOURCE } },
      WRITERS.bearer('admin'),
    );
    expect(answer.errors?.length).toBeGreaterThan(0);
    for (const error of answer.errors!) {
      expect(error.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(error.message).toBe('Unexpected error.');
    }
  });
});
