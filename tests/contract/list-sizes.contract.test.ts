import { expect, it } from 'vitest';
import { listSizesOf, seriesListSizesOf } from '../../src/domain/list-sizes.js';
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

  it('are counted within each series as the domain counts them from the records', async () => {
    const graph = await loadSeedDirectory(SEED_DIR);
    const keys = [...graph.series.map((series) => series.key), 'no-such-series', '__proto__', '', '시리즈'];
    const expected = keys.map((key) => seriesListSizesOf(graph, key));
    expect(expected.filter((sizes) => sizes !== null).length).toBe(graph.series.length);
    expect(expected.some((sizes) => (sizes?.eventsPerCharacter ?? 0) > 1 && (sizes?.eventsPerEpisode ?? 0) > 1)).toBe(
      true,
    );
    expect(await service().store.seriesListSizes(keys)).toEqual(expected);
    expect(await service().store.seriesListSizes([])).toEqual([]);
  });

  it('follow a write within a series, and leave the other series as they were', async () => {
    const yoga = createDramaYoga({ store: service().store, graphiql: false, tokens: issued.tokens });
    const [before, other] = await service().store.seriesListSizes(['soundtrack-1', 'godspeed']);
    const events = Array.from(
      { length: 3 },
      (_, i) =>
        // Episode 1 has no events in the seeds.
        `e${i}: upsertPlotEvent(input: { series: "soundtrack-1", slug: "sizes-${i}", episode: 1, sequence: ${i + 1}, kind: CONFESSION, summary: "A test.", agent: "eun-soo", target: "sun-woo", source: { document: "test" } }) { __typename }`,
    );
    const written = await graphql(yoga, `mutation { ${events.join(' ')} }`, undefined, issued.bearer('admin'));
    expect(written.errors).toBeUndefined();
    const [after, otherAfter] = await service().store.seriesListSizes(['soundtrack-1', 'godspeed']);
    expect(after?.eventsPerCharacter).toBeGreaterThanOrEqual(3);
    expect(after?.eventsPerCharacter).toBeGreaterThanOrEqual(before!.eventsPerCharacter);
    expect(after?.eventsPerEpisode).toBeGreaterThanOrEqual(3);
    expect(otherAfter).toEqual(other);
    const deletes = [2, 1, 0].map(
      (i) => `d${i}: deletePlotEvent(series: "soundtrack-1", slug: "sizes-${i}") { __typename }`,
    );
    expect(
      (await graphql(yoga, `mutation { ${deletes.join(' ')} }`, undefined, issued.bearer('admin'))).errors,
    ).toBeUndefined();
    expect(await service().store.seriesListSizes(['soundtrack-1', 'godspeed'])).toEqual([before, other]);
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
