import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import type { DramaYoga } from '../../src/yoga.js';
import { describeEachStore } from '../support/each-store.js';
import { graphql } from '../support/graphql.js';
import { propertiesOf, vocabularyProblems } from '../support/schema-org.js';
import { SEED_DIR } from '../support/seeded.js';
import { mutate, SOURCE, writableYoga } from '../support/writes.js';

async function jsonLd(yoga: DramaYoga, slug: string, query = '', headers: Record<string, string> = {}) {
  const response = await yoga.fetch(`http://drama.test/series/${slug}.jsonld${query}`, { headers });
  return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as any };
}

const names = (list: { name: string }[]) => list.map((item) => item.name);

/** What the seed file says: each character's first episode (an event, or a relationship's since; null since is before the story), none when nothing is told. */
const SERIES_QUERY = `{ series(slug: "soundtrack-1") {
  title episodeCount episodes { number title }
  cast { person { name } character { name } }
  starring { name } crew { role person { name } } } }`;

describeEachStore('GET /series/{slug}.jsonld', (service) => {
  it('describes the seeded series as a schema.org TVSeries, as GraphQL reads it', async () => {
    const { status, type, body } = await jsonLd(service().yoga, 'soundtrack-1');
    expect(status).toBe(200);
    expect(type).toBe('application/ld+json; charset=utf-8');
    const { series } = (await graphql(service().yoga, SERIES_QUERY)).data!;
    expect(body['@context']).toBe('https://schema.org');
    expect(body['@type']).toBe('TVSeries');
    expect(body.name).toBe(series.title);
    expect(body.numberOfEpisodes).toBe(series.episodeCount);
    expect(body.episode.map((e: any) => [e['@type'], e.episodeNumber])).toEqual(
      series.episodes.map((e: any) => ['TVEpisode', e.number]),
    );
    const roles = body.actor.filter((a: any) => a['@type'] === 'PerformanceRole');
    expect(roles.map((r: any) => [r.actor.name, r.characterName])).toEqual(
      series.cast.map((c: any) => [c.person.name, c.character.name]),
    );
    expect(roles.length).toBeGreaterThan(0);
    const cast = new Set(series.cast.map((c: any) => c.person.name));
    expect(names(body.actor.filter((a: any) => a['@type'] === 'Person'))).toEqual(
      names(series.starring).filter((name) => !cast.has(name)),
    );
    const everyone = JSON.parse(readFileSync(path.join(SEED_DIR, 'soundtrack-1.json'), 'utf8')).series[0].characters;
    expect(names(body.character).sort()).toEqual(everyone.map((c: any) => c.name).sort());
    const crew = (role: string) => series.crew.filter((c: any) => c.role === role).map((c: any) => c.person.name);
    expect(names(body.director)).toEqual(crew('DIRECTOR'));
    expect(names(body.director).length).toBeGreaterThan(0);
    expect(names(body.author)).toEqual(crew('WRITER'));
    expect(body.sameAs).toBeUndefined();
    expect(vocabularyProblems(body)).toEqual([]);
  });

  it('leaves out the episodes after watched-through, and the characters (with their cast) introduced after it', async () => {
    const all = (await jsonLd(service().yoga, 'soundtrack-1')).body;
    const { status, body } = await jsonLd(service().yoga, 'soundtrack-1', '?watched-through=3');
    expect(status).toBe(200);
    expect(body.episode.map((e: any) => e.episodeNumber)).toEqual(
      all.episode.map((e: any) => e.episodeNumber).filter((n: number) => n <= 3),
    );
    expect(body.episode.length).toBeLessThan(all.episode.length);
    // The same characters as GraphQL shows at episode 3: the reveal model decides both (docs/spoilers.md).
    const met = await graphql(service().yoga, '{ series(slug: "soundtrack-1") { characters { name } } }', undefined, {
      'x-watched-through': 'soundtrack-1@3',
    });
    const expected = met.data!.series.characters.map((c: any) => c.name as string);
    expect(expected.length).toBeGreaterThan(0);
    expect(names(body.character).sort()).toEqual(expected.sort());
    expect(body.character.length).toBeLessThan(all.character.length);
    const shown = new Set(names(body.character));
    const roles = (doc: any) => doc.actor.filter((a: any) => a['@type'] === 'PerformanceRole');
    expect(roles(body)).toEqual(roles(all).filter((r: any) => shown.has(r.characterName)));
    expect(body.numberOfEpisodes).toBe(all.numberOfEpisodes);
    expect(vocabularyProblems(body)).toEqual([]);

    // The X-Watched-Through header counts too, the earlier episode winning, as for GraphQL.
    const header = await jsonLd(service().yoga, 'soundtrack-1', '?watched-through=4', {
      'x-watched-through': 'soundtrack-1@3',
    });
    expect(header.body).toEqual(body);
    expect((await jsonLd(service().yoga, 'soundtrack-1', '?watched-through=4')).body).toEqual(all);
  });

  it('stays inert when pasted into a <script> tag, whatever a writer puts in a name', async () => {
    const yoga = writableYoga(service().store);
    const hostile = '</script><img src=x onerror=alert(1)>&end';
    const series = { slug: 'ld-hostile', title: hostile, episodeCount: 1, source: SOURCE };
    const character = { series: 'ld-hostile', slug: 'villain', name: hostile, source: SOURCE };
    for (const [field, type, input] of [
      ['upsertSeries', 'UpsertSeriesInput', series],
      ['upsertCharacter', 'UpsertCharacterInput', character],
    ] as const) {
      const result = await mutate(yoga, field, `($input: ${type}!)`, { input });
      expect(result.data![field].__typename, JSON.stringify(result.data)).not.toBe('ValidationError');
    }
    const response = await service().yoga.fetch('http://drama.test/series/ld-hostile.jsonld');
    const text = await response.text();
    expect(text).not.toMatch(/[<>&]/);
    const body = JSON.parse(text);
    expect(body.name).toBe(hostile);
    expect(names(body.character)).toEqual([hostile]);
  });

  it('stores external ids of series and people through the write API, reads them back, and links them as sameAs', async () => {
    const yoga = writableYoga(service().store);
    const person = {
      slug: 'ld-director',
      name: 'Ld Director',
      externalIds: { wikidata: 'Q90000001', imdb: 'nm90000001', tmdb: 2147483647, tvmaze: 1 },
      source: SOURCE,
    };
    const ids = { wikidata: 'Q90000002', imdb: 'tt90000002', tmdb: 7, tvmaze: null };
    const series = { slug: 'ld-series', title: 'Ld Series', episodeCount: 1, externalIds: ids, source: SOURCE };
    for (const [field, type, input] of [
      ['upsertPerson', 'UpsertPersonInput', person],
      ['upsertSeries', 'UpsertSeriesInput', series],
      [
        'upsertCredit',
        'UpsertCreditInput',
        { series: 'ld-series', person: 'ld-director', role: 'DIRECTOR', source: SOURCE },
      ],
    ] as const) {
      const result = await mutate(yoga, field, `($input: ${type}!)`, { input });
      expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
      expect(result.data![field].__typename, JSON.stringify(result.data)).not.toBe('ValidationError');
    }
    const read = await graphql(
      yoga,
      '{ series(slug: "ld-series") { externalIds { wikidata imdb tmdb tvmaze } crew { person { externalIds { wikidata imdb tmdb tvmaze } } } } }',
    );
    expect(read.data!.series.externalIds).toEqual(ids);
    expect(read.data!.series.crew[0].person.externalIds).toEqual(person.externalIds);

    const { body } = await jsonLd(yoga, 'ld-series');
    expect(body.sameAs).toEqual([
      'https://www.wikidata.org/wiki/Q90000002',
      'https://www.imdb.com/title/tt90000002/',
      'https://www.themoviedb.org/tv/7',
    ]);
    expect(body.director[0].sameAs).toEqual([
      'https://www.wikidata.org/wiki/Q90000001',
      'https://www.imdb.com/name/nm90000001/',
      'https://www.themoviedb.org/person/2147483647',
      'https://www.tvmaze.com/people/1',
    ]);
    expect(body.episode).toEqual([]);
    expect(vocabularyProblems(body)).toEqual([]);

    // Written again without ids, the series has none left.
    const { externalIds: _dropped, ...withoutIds } = series;
    await mutate(yoga, 'upsertSeries', '($input: UpsertSeriesInput!)', { input: withoutIds });
    const again = await graphql(yoga, '{ series(slug: "ld-series") { externalIds { wikidata imdb tmdb tvmaze } } }');
    expect(again.data!.series.externalIds).toEqual({ wikidata: null, imdb: null, tmdb: null, tvmaze: null });
    expect((await jsonLd(yoga, 'ld-series')).body.sameAs).toBeUndefined();
  });

  it.each([
    ['series', 'UpsertSeriesInput', { wikidata: 'Q0' }, 'wikidata'],
    ['series', 'UpsertSeriesInput', { wikidata: 'q42' }, 'wikidata'],
    ['series', 'UpsertSeriesInput', { wikidata: ' Q42' }, 'wikidata'],
    ['series', 'UpsertSeriesInput', { wikidata: `Q${'1'.repeat(40)}` }, 'wikidata'],
    ['series', 'UpsertSeriesInput', { imdb: 'nm1234567' }, 'imdb'],
    ['series', 'UpsertSeriesInput', { imdb: 'tt123456' }, 'imdb'],
    ['series', 'UpsertSeriesInput', { imdb: 'tt１２３４５６７' }, 'imdb'],
    ['series', 'UpsertSeriesInput', { tmdb: 0 }, 'tmdb'],
    ['person', 'UpsertPersonInput', { imdb: 'tt1234567' }, 'imdb'],
    ['person', 'UpsertPersonInput', { tvmaze: -1 }, 'tvmaze'],
    ['person', 'UpsertPersonInput', { wikidata: 'Q42\n' }, 'wikidata'],
  ])('refuses a malformed external id of a %s (%s, %j), writing nothing', async (kind, type, externalIds, field) => {
    const yoga = writableYoga(service().store);
    const input =
      kind === 'series'
        ? { slug: 'ld-bad', title: 'Bad', episodeCount: 0, externalIds, source: SOURCE }
        : { slug: 'ld-bad', name: 'Bad', externalIds, source: SOURCE };
    const result = await mutate(yoga, kind === 'series' ? 'upsertSeries' : 'upsertPerson', `($input: ${type}!)`, {
      input,
    });
    const outcome = result.data![kind === 'series' ? 'upsertSeries' : 'upsertPerson'];
    expect(outcome.__typename).toBe('ValidationError');
    expect(outcome.issues.map((i: any) => i.path)).toEqual([['input', 'externalIds', field]]);
    const read = await graphql(yoga, `{ ${kind}(slug: "ld-bad") { slug } }`);
    expect(read.data![kind]).toBeNull();
  });

  it('uses only types and properties the schema.org vocabulary has (and the check catches one it lacks)', async () => {
    const { body } = await jsonLd(service().yoga, 'soundtrack-1');
    expect(propertiesOf('TVSeries')).toContain('episode');
    expect(vocabularyProblems(body)).toEqual([]);
    const wrong = {
      ...body,
      episode: [{ '@type': 'TVEpisode', episodeNumber: 1, spoiler: 'x' }],
      actor: [{ '@type': 'Actor' }],
    };
    expect(vocabularyProblems(wrong)).toEqual([
      '$.episode[0].spoiler: TVEpisode has no property spoiler',
      '$.actor[0]: schema.org has no type Actor',
    ]);
  });
});
