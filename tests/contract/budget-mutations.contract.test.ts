import { beforeAll, expect, it } from 'vitest';
import type { OpsSettings } from '../../src/config/settings.js';
import { createDramaYoga, type DramaYoga } from '../../src/yoga.js';
import { describeEachStore } from '../support/each-store.js';
import { graphql } from '../support/graphql.js';
import { SOURCE, WRITERS } from '../support/writes.js';

const UPSERT = `mutation ($a: UpsertCharacterInput!, $b: UpsertCharacterInput!) {
  first: upsertCharacter(input: $a) { ... on UpsertCharacterSuccess { character { slug name series { characters { slug name aliases } } } } }
  second: upsertCharacter(input: $b) { ... on UpsertCharacterSuccess { character { slug name } } }
}`;

const input = (slug: string, name: string) => ({ series: 'soundtrack-1', slug, name, source: SOURCE });

describeEachStore('The execution budget never hides a write it let through', (current) => {
  let reader: DramaYoga;
  beforeAll(() => {
    reader = createDramaYoga({ store: current().store, graphiql: false });
  });
  const budgeted = (ops: Partial<OpsSettings>) =>
    createDramaYoga({ store: current().store, graphiql: false, tokens: WRITERS.tokens, ops });
  const names = async (...slugs: string[]) => {
    const answer = await graphql(
      reader,
      `{ ${slugs.map((slug, i) => `c${i}: character(series: "soundtrack-1", slug: "${slug}") { name }`).join(' ')} }`,
    );
    return slugs.map((_, i) => answer.data![`c${i}`]?.name ?? null);
  };

  for (const executor of ['jit', 'graphql-js'] as const) {
    it(`says which mutation fields were applied when the answer goes over the objects budget, and starts no further write (${executor})`, async () => {
      const a = `budget-a-${executor}`;
      const b = `budget-b-${executor}`;
      const yoga = budgeted({ executor, budget: { objects: 12, bytes: 1e12, timeMs: 1e9 } });
      const answer = await graphql(
        yoga,
        UPSERT,
        { a: input(a, 'Applied'), b: input(b, 'Never') },
        WRITERS.bearer('admin'),
      );
      expect(answer.data).toBeNull();
      expect(answer.errors).toEqual([
        {
          message: expect.stringContaining('were applied before it stopped'),
          extensions: { code: 'EXECUTION_BUDGET_EXCEEDED', budget: 'objects', limit: 12, applied: ['first'] },
        },
      ]);
      expect(await names(a, b)).toEqual(['Applied', null]);
    });

    it(`says so over the bytes budget too, after every write was done (${executor})`, async () => {
      const a = `bytes-a-${executor}`;
      const b = `bytes-b-${executor}`;
      const yoga = budgeted({ executor, budget: { objects: 1e12, bytes: 200, timeMs: 1e9 } });
      const answer = await graphql(yoga, UPSERT, { a: input(a, 'One'), b: input(b, 'Two') }, WRITERS.bearer('admin'));
      expect(answer.errors?.[0]?.extensions).toEqual({
        code: 'EXECUTION_BUDGET_EXCEEDED',
        budget: 'bytes',
        limit: 200,
        applied: ['first', 'second'],
      });
      expect(await names(a, b)).toEqual(['One', 'Two']);
    });
  }

  it('starts no write once the time budget is spent, and answers only after the mutation is over', async () => {
    const yoga = budgeted({ budget: { objects: 1e12, bytes: 1e12, timeMs: 0 } });
    const answer = await graphql(
      yoga,
      UPSERT,
      { a: input('late-a', 'Late'), b: input('late-b', 'Late') },
      WRITERS.bearer('admin'),
    );
    expect(answer.errors?.[0]?.extensions).toEqual({ code: 'EXECUTION_BUDGET_EXCEEDED', budget: 'time', limit: 0 });
    expect(await names('late-a', 'late-b')).toEqual([null, null]);
  });

  it('keeps the plain refusal, with no applied list, for a query', async () => {
    const yoga = budgeted({ budget: { objects: 3, bytes: 1e12, timeMs: 1e9 } });
    const answer = await graphql(yoga, '{ series(slug: "soundtrack-1") { characters { slug } } }');
    expect(answer.errors?.[0]?.extensions).toEqual({ code: 'EXECUTION_BUDGET_EXCEEDED', budget: 'objects', limit: 3 });
  });
});
