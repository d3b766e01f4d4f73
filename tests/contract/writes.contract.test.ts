import { expect, it } from 'vitest';
import type { DramaYoga } from '../../src/yoga.js';
import { describeEachStore } from '../support/each-store.js';
import { graphql } from '../support/graphql.js';
import { mutate, SOURCE, writableYoga } from '../support/writes.js';

const SERIES = { slug: 'write-test', title: 'Write Test', episodeCount: 3, starring: ['wt-lead'], source: SOURCE };

async function buildSeries(yoga: DramaYoga): Promise<void> {
  const steps: [string, string, Record<string, unknown>][] = [
    ['upsertPerson', 'UpsertPersonInput', { slug: 'wt-lead', name: 'Lead Actor', nativeName: '주연', source: SOURCE }],
    ['upsertSeries', 'UpsertSeriesInput', SERIES],
    ['upsertEpisode', 'UpsertEpisodeInput', { series: 'write-test', number: 1, title: 'Pilot', source: SOURCE }],
    ['upsertEpisode', 'UpsertEpisodeInput', { series: 'write-test', number: 2, source: SOURCE }],
    [
      'upsertCharacter',
      'UpsertCharacterInput',
      { series: 'write-test', slug: 'ana', name: 'Ana', aliases: ['A'], source: SOURCE },
    ],
    ['upsertCharacter', 'UpsertCharacterInput', { series: 'write-test', slug: 'ben', name: 'Ben', source: SOURCE }],
    [
      'upsertCasting',
      'UpsertCastingInput',
      { series: 'write-test', person: 'wt-lead', character: 'ana', billing: 'MAIN', source: SOURCE },
    ],
    ['upsertCredit', 'UpsertCreditInput', { series: 'write-test', person: 'wt-lead', role: 'WRITER', source: SOURCE }],
    [
      'upsertRelationship',
      'UpsertRelationshipInput',
      {
        series: 'write-test',
        slug: 'ana-likes-ben',
        kind: 'UNREQUITED_LOVE',
        from: 'ana',
        to: 'ben',
        mutual: false,
        since: 1,
        until: 2,
        source: SOURCE,
      },
    ],
    [
      'upsertPlotEvent',
      'UpsertPlotEventInput',
      {
        series: 'write-test',
        slug: 'ana-confesses',
        episode: 2,
        sequence: 1,
        kind: 'CONFESSION',
        summary: 'Ana tells Ben how she feels.',
        agent: 'ana',
        target: 'ben',
        outcome: 'RECIPROCATED',
        source: { document: 'Contract fixture', paragraph: 7 },
      },
    ],
  ];
  for (const [field, type, input] of steps) {
    const response = await mutate(yoga, field, `($input: ${type}!)`, { input });
    expect(response.errors, field).toBeUndefined();
    expect(response.data?.[field].__typename, `${field} ${JSON.stringify(response.data)}`).toMatch(/Success$/);
  }
}

const READ_BACK = `{
  series(slug: "write-test") { title starring { name nativeName source { paragraph } } episodes { number title }
    cast { person { slug } character { slug } billing } crew { person { slug } role }
    characters { slug aliases relationships(asOfEpisode: 1) { kind from { slug } to { slug } }
      events { slug agent { slug } target { slug } outcome source { paragraph } participants { role character { slug } } } } } }`;

describeEachStore('Writes: upserts keyed by slugs', (service) => {
  it('creates a whole series through the mutations and reads it back', async () => {
    const yoga = writableYoga(service().store);
    await buildSeries(yoga);
    const { data, errors } = await graphql(yoga, READ_BACK);
    expect(errors).toBeUndefined();
    expect(data!.series.starring).toEqual([{ name: 'Lead Actor', nativeName: '주연', source: { paragraph: 1 } }]);
    expect(data!.series.episodes).toEqual([
      { number: 1, title: 'Pilot' },
      { number: 2, title: null },
    ]);
    expect(data!.series.cast).toEqual([{ person: { slug: 'wt-lead' }, character: { slug: 'ana' }, billing: 'MAIN' }]);
    expect(data!.series.crew).toEqual([{ person: { slug: 'wt-lead' }, role: 'WRITER' }]);
    const [ana, ben] = data!.series.characters;
    expect(ana.aliases).toEqual(['A']);
    expect(ana.relationships).toEqual([{ kind: 'UNREQUITED_LOVE', from: { slug: 'ana' }, to: { slug: 'ben' } }]);
    expect(ben.events).toEqual([
      {
        slug: 'ana-confesses',
        agent: { slug: 'ana' },
        target: { slug: 'ben' },
        outcome: 'RECIPROCATED',
        source: { paragraph: 7 },
        participants: [
          { role: 'AGENT', character: { slug: 'ana' } },
          { role: 'TARGET', character: { slug: 'ben' } },
        ],
      },
    ]);
  });

  it('makes a retry harmless: the same writes again change nothing', async () => {
    const yoga = writableYoga(service().store);
    const before = await service().store.counts();
    const first = await graphql(yoga, READ_BACK);
    await buildSeries(yoga);
    expect(await service().store.counts()).toEqual(before);
    expect(await graphql(yoga, READ_BACK)).toEqual(first);
  });

  it('replaces a record on upsert: an event moved to another place and given other participants', async () => {
    const yoga = writableYoga(service().store);
    const input = {
      series: 'write-test',
      slug: 'ana-confesses',
      episode: 1,
      sequence: 1,
      kind: 'CONFESSION',
      summary: 'Ana tells Ben, earlier.',
      agent: 'ben',
      participants: [{ character: 'ana', role: 'WITNESS' }],
      source: SOURCE,
    };
    const response = await mutate(
      yoga,
      'upsertPlotEvent',
      '($input: UpsertPlotEventInput!)',
      { input },
      '... on UpsertPlotEventSuccess { event { episode { number } sequence agent { slug } target { slug } participants { role character { slug } } } }',
    );
    expect(response.data!.upsertPlotEvent.event).toEqual({
      episode: { number: 1 },
      sequence: 1,
      agent: { slug: 'ben' },
      target: null,
      participants: [
        { role: 'AGENT', character: { slug: 'ben' } },
        { role: 'WITNESS', character: { slug: 'ana' } },
      ],
    });
    const episodes = await graphql(yoga, '{ series(slug: "write-test") { episodes { number events { slug } } } }');
    expect(episodes.data!.series.episodes).toEqual([
      { number: 1, events: [{ slug: 'ana-confesses' }] },
      { number: 2, events: [] },
    ]);
  });

  it('stores strings trimmed and otherwise verbatim, hostile ones included', async () => {
    const yoga = writableYoga(service().store);
    const text = '"}) DETACH DELETE n // \' OR 1=1 -- {{7*7}} $where __proto__ \u202Eevil 🎵 한글 e\u0301 \u200Bx';
    const input = {
      series: 'write-test',
      slug: 'verbatim',
      episode: 2,
      sequence: 1,
      kind: 'MOMENT',
      summary: `  ${text}\n`,
      source: { document: ` ${text}\t` },
    };
    expect(
      (await mutate(yoga, 'upsertPlotEvent', '($input: UpsertPlotEventInput!)', { input })).data!.upsertPlotEvent
        .__typename,
    ).toBe('UpsertPlotEventSuccess');
    const read = await graphql(
      yoga,
      `{ node(id: "${Buffer.from('PlotEvent:write-test/verbatim').toString('base64')}") { ... on PlotEvent { summary source { document } } } }`,
    );
    expect(read.data!.node).toEqual({ summary: text, source: { document: text } });
  });

  it('leaves exactly one record per key after 200 concurrent upserts of the same keys', async () => {
    const yoga = writableYoga(service().store);
    const before = await service().store.counts();
    const writes = Array.from({ length: 200 }, (_, i) => {
      const n = Math.floor(i / 2) % 4;
      return i % 2 === 0
        ? mutate(yoga, 'upsertPerson', '($input: UpsertPersonInput!)', {
            input: { slug: `racer-${n}`, name: `Racer ${i}`, source: SOURCE },
          })
        : mutate(yoga, 'upsertCharacter', '($input: UpsertCharacterInput!)', {
            input: { series: 'write-test', slug: `racer-${n}`, name: `Racer ${i}`, source: SOURCE },
          });
    });
    const results = await Promise.all(writes);
    expect(
      results
        .map((r) => r.errors ?? Object.values(r.data!)[0].__typename)
        .filter((t) => !String(t).endsWith('Success')),
    ).toEqual([]);
    const after = await service().store.counts();
    expect(after.people - before.people).toBe(4);
    expect(after.characters - before.characters).toBe(4);
    const names = await graphql(yoga, '{ series(slug: "write-test") { characters { slug } } }');
    expect(names.data!.series.characters.filter((c: { slug: string }) => c.slug.startsWith('racer-'))).toHaveLength(4);
  }, 180_000);
});

describeEachStore('Writes: derived answers follow the story', (service) => {
  const find = async (query: string) => {
    const response = await graphql(
      writableYoga(service().store),
      'query ($q: String!) { search(query: $q) { node { ... on Character { slug } } } }',
      { q: query },
    );
    return response.data!.search.map((hit: { node: { slug?: string } }) => hit.node.slug);
  };

  it('finds a written character by name in search, and no longer once it is deleted', async () => {
    const yoga = writableYoga(service().store);
    expect(await find('Quillonbrae')).toEqual([]);
    const input = { series: 'soundtrack-1', slug: 'quillonbrae', name: 'Quillonbrae Han', source: SOURCE };
    expect(
      (await mutate(yoga, 'upsertCharacter', '($input: UpsertCharacterInput!)', { input })).data!.upsertCharacter
        .__typename,
    ).toBe('UpsertCharacterSuccess');
    expect(await find('Quillonbrae')).toEqual(['quillonbrae']);
    await mutate(yoga, 'deleteCharacter', '($series: String!, $slug: String!)', {
      series: 'soundtrack-1',
      slug: 'quillonbrae',
    });
    expect(await find('Quillonbrae')).toEqual([]);
  });
});
