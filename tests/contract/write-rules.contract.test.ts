import { expect, it } from 'vitest';
import { describeEachStore } from '../support/each-store.js';
import { graphql } from '../support/graphql.js';
import { mutate, SOURCE, writableYoga } from '../support/writes.js';

const BATCH = '($document: JSONObject!)';

const planted = (change: (series: any) => void) => {
  const series: any = {
    slug: 'planted', title: 'Planted', episodeCount: 2, source: SOURCE,
    episodes: [{ number: 1, source: SOURCE }, { number: 2, source: SOURCE }],
    characters: [{ slug: 'mira', name: 'Mira', source: SOURCE }, { slug: 'joon', name: 'Joon', source: SOURCE }],
  };
  change(series);
  return { format: 'drama-graph/seed@1', series: [series] };
};

describeEachStore('importBatch: the write rules hold for a whole document', (service) => {
  it.each([
    ['2^53 episodes', (s: any) => { s.episodeCount = 2 ** 53; s.episodes.push({ number: 2 ** 53, source: SOURCE }); }],
    ['2^53 - 1 episodes', (s: any) => { s.episodeCount = 2 ** 53 - 1; s.episodes.push({ number: 2 ** 53 - 1, source: SOURCE }); }],
    ['2^31 episodes', (s: any) => (s.episodeCount = 2 ** 31)],
    ['a 90,000-character name', (s: any) => (s.characters[0].name = 'x'.repeat(90_000))],
    ['5,000 aliases', (s: any) => (s.characters[1].aliases = Array.from({ length: 5_000 }, (_, i) => `a${i}`))],
  ])('refuses the red team\'s document with %s, writes none of it, and every reader keeps working', async (_name, change) => {
    const yoga = writableYoga(service().store);
    const before = await service().store.counts();
    const response = await mutate(yoga, 'importBatch', BATCH, { document: planted(change) });
    expect(response.errors).toBeUndefined();
    expect(response.data!.importBatch.__typename).toBe('ValidationError');
    expect(await service().store.counts()).toEqual(before);
    const read = await graphql(yoga, '{ allSeries(first: 100) { edges { node { slug episodeCount characters { name aliases } } } } }');
    expect(read.errors).toBeUndefined();
  });
});
