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
        path: ['document', 'series', '0', 'events', '0', 'episode'],
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
    expect(paths).toEqual(['document > series > 0 > characters > 1 > source']);
    unsourced.series[0]!.characters[1] = { slug: 'joon', name: 'Joon', source: SOURCE };
    const unknown = await mutate(writableYoga(service().store), 'importBatch', BATCH, { document: unsourced });
    expect(unknown.data!.importBatch.issues).toEqual([
      { path: ['document', 'series', '0', 'starring', '2'], message: 'there is no person "nobody-known"' },
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

/** A broken copy of the batch document: `change` edits its one series. */
const broken = (change: (series: any) => void) => {
  const doc: any = structuredClone(document(1));
  change(doc.series[0]);
  return doc;
};

/** Where a path leads in the document as sent: every step but the last must be there (a missing source is named by its field). */
function resolves(doc: unknown, path: readonly string[]): boolean {
  let node: any = { document: doc };
  for (const [i, part] of path.entries()) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return i === path.length - 1;
    node = node[part];
  }
  return true;
}

describeEachStore('importBatch: every error path points into the document as sent, in one format', (service) => {
  const CASES: [string, (s: any) => void, string[]][] = [
    [
      'a wrong type in the schema',
      (s) => (s.characters[1].name = 42),
      ['document', 'series', '0', 'characters', '1', 'name'],
    ],
    [
      'a list rule',
      (s) => (s.characters[0].aliases = ['Mi', ' Mi ']),
      ['document', 'series', '0', 'characters', '0', 'aliases'],
    ],
    [
      'an unknown field',
      (s) =>
        Object.defineProperty(s.relationships[0], '__proto__', { value: { x: 1 }, enumerable: true, writable: true }),
      ['document', 'series', '0', 'relationships', '0'],
    ],
    [
      'a reference in the file',
      (s) => s.events[0].participants.push({ character: 'nobody', role: 'WITNESS' }),
      ['document', 'series', '0', 'events', '0', 'participants', '1', 'character'],
    ],
    [
      'a record rule',
      (s) => s.events[0].participants.push({ character: 'mira', role: 'WITNESS' }),
      ['document', 'series', '0', 'events', '0', 'participants', '1', 'character'],
    ],
    [
      'a record given twice',
      (s) => s.characters.push({ slug: 'mira', name: 'Mira again', source: SOURCE }),
      ['document', 'series', '0', 'characters', '2'],
    ],
    [
      'a revision past the last episode, listed out of order',
      (s) =>
        (s.characters[1].description = [
          { fromEpisode: 3, text: 'Later.' },
          { fromEpisode: 1, text: 'First.' },
        ]),
      ['document', 'series', '0', 'characters', '1', 'description', '0', 'fromEpisode'],
    ],
    [
      'a missing source',
      (s) => delete s.characters[1].source,
      ['document', 'series', '0', 'characters', '1', 'source'],
    ],
    [
      'a person the store does not know',
      (s) => s.starring.push('nobody-known'),
      ['document', 'series', '0', 'starring', '2'],
    ],
    [
      'an event sequence gap, found in the write',
      (s) => (s.events[0].sequence = 2),
      ['document', 'series', '0', 'events', '0', 'sequence'],
    ],
    [
      'a series shortened below a stored episode',
      (s) => (s.slug = 'soundtrack-1'),
      ['document', 'series', '0', 'episodeCount'],
    ],
  ];

  it.each(CASES)('%s', async (_name, change, expected) => {
    const doc = broken(change);
    if (doc.series[0].slug === 'soundtrack-1') {
      // a stored series of 4 episodes, sent with 2 and without its contents
      doc.series[0] = { slug: 'soundtrack-1', title: 'Soundtrack #1', episodeCount: 2, source: SOURCE };
    }
    const before = await service().store.counts();
    const response = await mutate(writableYoga(service().store), 'importBatch', BATCH, { document: doc });
    expect(response.errors).toBeUndefined();
    const result = response.data!.importBatch;
    expect(result.__typename).toBe('ValidationError');
    const paths: string[][] = result.issues.map((i: { path: string[] }) => i.path);
    expect(paths).toContainEqual(expected);
    expect(result.path).toEqual(paths[0]);
    for (const path of paths) {
      expect(path[0]).toBe('document');
      expect(
        path.every((part) => !/["[\] ]/.test(part)),
        path.join(' > '),
      ).toBe(true);
      expect(resolves(doc, path), path.join(' > ')).toBe(true);
    }
    expect(await service().store.counts()).toEqual(before);
  });
});
