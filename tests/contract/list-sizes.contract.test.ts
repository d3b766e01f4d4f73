import { expect, it } from 'vitest';
import { listSizesOf } from '../../src/domain/list-sizes.js';
import { loadSeedDirectory } from '../../src/seed/load.js';
import { createDramaYoga } from '../../src/yoga.js';
import { describeEachStore } from '../support/each-store.js';
import { graphql } from '../support/graphql.js';
import { SEED_DIR } from '../support/seeded.js';
import { issueTokens } from '../support/tokens.js';

const issued = issueTokens({ admin: ['admin'] });

describeEachStore('the longest lists a store holds (the cost limit counts lists by them)', (service) => {
  it('are those of the seeds, as the domain counts them from the records', async () => {
    const expected = listSizesOf(await loadSeedDirectory(SEED_DIR));
    expect(expected.charactersPerSeries).toBeGreaterThan(1);
    expect(expected.participantsPerEvent).toBeGreaterThan(1);
    expect(await service().store.listSizes()).toEqual(expected);
  });

  it('follow a write at once: the next operation is costed on them', async () => {
    const yoga = createDramaYoga({ store: service().store, graphiql: false, tokens: issued.tokens });
    const before = await service().store.listSizes();
    const limit = 1 + 2 * before.charactersPerSeries;
    const tight = createDramaYoga({
      store: service().store,
      graphiql: false,
      ops: { limits: { depth: 10, aliases: 15, tokens: 1000, cost: limit, bodyBytes: 100_000 } },
    });
    const characters = '{ series(slug: "soundtrack-1") { characters { slug } } }';
    expect((await graphql(tight, characters)).errors).toBeUndefined();
    const slugs = Array.from({ length: before.charactersPerSeries + 3 }, (_, i) => `extra-${i}`);
    const writes = slugs.map(
      (slug) =>
        `${slug.replace('-', '')}: upsertCharacter(input: { series: "soundtrack-1", slug: "${slug}", name: "Extra ${slug}", source: { document: "test" } }) { __typename }`,
    );
    const written = await graphql(yoga, `mutation { ${writes.join(' ')} }`, undefined, issued.bearer('admin'));
    expect(written.errors).toBeUndefined();
    expect((await service().store.listSizes()).charactersPerSeries).toBe(before.charactersPerSeries + slugs.length);
    const refused = await graphql(tight, characters);
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['COST_LIMIT_EXCEEDED']);
    const deletes = slugs.map(
      (slug) => `${slug.replace('-', '')}: deleteCharacter(series: "soundtrack-1", slug: "${slug}") { __typename }`,
    );
    expect(
      (await graphql(yoga, `mutation { ${deletes.join(' ')} }`, undefined, issued.bearer('admin'))).errors,
    ).toBeUndefined();
    expect(await service().store.listSizes()).toEqual(before);
  });
});
