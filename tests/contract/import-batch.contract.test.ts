import { expect, it } from 'vitest';
import { describeEachStore } from '../support/each-store.js';
import { graphql } from '../support/graphql.js';
import { mutate, SOURCE, writableYoga } from '../support/writes.js';

const BATCH = '($document: JSONObject!)';
const COUNTS = '... on ImportBatchSuccess { counts { people series episodes characters relationships events } }';

const document = (eventEpisode: number) => ({
  format: 'drama-graph/seed@1',
  people: [{ slug: 'batch-star', name: 'Batch Star', source: SOURCE }],
  series: [
    {
      slug: 'batch-series',
      title: 'Batch Series',
      episodeCount: 2,
      starring: ['batch-star', 'han-so-hee'],
      source: SOURCE,
      episodes: [
        { number: 1, source: SOURCE },
        { number: 2, source: SOURCE },
      ],
      characters: [
        { slug: 'mira', name: 'Mira', source: SOURCE },
        { slug: 'joon', name: 'Joon', source: SOURCE },
      ],
      relationships: [{ slug: 'mira-joon', kind: 'FRIEND', from: 'mira', to: 'joon', mutual: true, source: SOURCE }],
      events: [
        {
          slug: 'meet',
          episode: eventEpisode,
          sequence: 1,
          kind: 'MOMENT',
          summary: 'They meet.',
          agent: 'mira',
          participants: [{ character: 'mira', role: 'AGENT' }],
          source: SOURCE,
        },
      ],
    },
  ],
});

describeEachStore('importBatch: a seed-format document in one transaction', (service) => {
  it('refuses a document with one broken reference and writes none of it', async () => {
    const before = await service().store.counts();
    const response = await mutate(writableYoga(service().store), 'importBatch', BATCH, { document: document(3) });
    expect(response.data!.importBatch.__typename).toBe('ValidationError');
    expect(response.data!.importBatch.issues).toEqual([
      {
        path: ['document', 'series "batch-series" event "meet"', 'episode'],
        message: "episode 3 is not among the series' episodes",
      },
    ]);
    expect(await service().store.counts()).toEqual(before);
  });

  it('refuses facts without a source, and people the store does not know', async () => {
    const unsourced = document(1);
    delete (unsourced.series[0]!.characters[1] as { source?: unknown }).source;
    unsourced.series[0]!.starring.push('nobody-known');
    const before = await service().store.counts();
    const response = await mutate(writableYoga(service().store), 'importBatch', BATCH, { document: unsourced });
    const paths = response.data!.importBatch.issues.map((i: { path: string[] }) => i.path.join(' > '));
    expect(paths).toEqual(['document > characters > batch-series/joon > source']);
    unsourced.series[0]!.characters[1] = { slug: 'joon', name: 'Joon', source: SOURCE };
    const unknown = await mutate(writableYoga(service().store), 'importBatch', BATCH, { document: unsourced });
    expect(unknown.data!.importBatch.issues).toEqual([
      { path: ['document', 'series', 'batch-series', 'starring', '2'], message: 'there is no person "nobody-known"' },
    ]);
    expect(await service().store.counts()).toEqual(before);
  });

  it('writes a valid document whole, linking to people already stored', async () => {
    const response = await mutate(
      writableYoga(service().store),
      'importBatch',
      BATCH,
      { document: document(2) },
      COUNTS,
    );
    expect(response.data!.importBatch.counts).toEqual({
      people: 1,
      series: 1,
      episodes: 2,
      characters: 2,
      relationships: 1,
      events: 1,
    });
    const read = await graphql(
      writableYoga(service().store),
      '{ series(slug: "batch-series") { starring { slug } episodes { number events { slug agent { slug } } } } }',
    );
    expect(read.data!.series).toEqual({
      starring: [{ slug: 'batch-star' }, { slug: 'han-so-hee' }],
      episodes: [
        { number: 1, events: [] },
        { number: 2, events: [{ slug: 'meet', agent: { slug: 'mira' } }] },
      ],
    });
  });
});
