import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Progress } from '../../../src/domain/spoilers.js';
import { schema } from '../../../src/graphql-schema.js';
import { MAX_PLANNED_FIELDS, planOperation } from '../../../src/reads/planner/plan.js';
import { NO_EVENT_FILTER } from '../../../src/store/port.js';

const plan = (document: string, variables: Record<string, unknown> = {}, progress: Progress = new Map()) =>
  planOperation({ schema, document: parse(document), variableValues: variables, progress });

/** The event fields every planned read carries (event-fields.ts). */
const ALWAYS = ['key', 'seriesKey', 'episodeNumber', 'sequence', 'kind', 'agentKey', 'targetKey', 'participants'];

describe('the planner walks the selection as graphql-js collects it', () => {
  it('finds a planned root field behind a fragment at the root, and plans nothing for roots it does not cover', () => {
    const spread = plan(
      `query { ...Root } fragment Root on Query { events(filter: { series: "s" }) { edges { node { slug } } } }`,
    );
    const inline = plan(`query { ... on Query { events(filter: { series: "s" }) { edges { node { slug } } } } }`);
    expect(spread).toHaveLength(1);
    expect(inline).toEqual(spread);
    expect(
      plan(`{ search(text: "x") { __typename } relationshipTimeline(series: "s", from: "a", to: "b") { episode } }`),
    ).toEqual([]);
  });

  it('plans each alias with its own arguments, and merges the relationships of fragments', () => {
    const reads = plan(
      `query ($asOf: Int) {
        a: character(series: "s", slug: "a") { ...F }
        b: character(series: "s", slug: "b") { ... on Character { one: relationships(asOfEpisode: 1) { kind } } two: relationships { to { name portrayedBy { name } } } }
      }
      fragment F on Character { relationships(asOfEpisode: $asOf) { from { firstEpisode } } }`,
      { asOf: 7 },
    );
    expect(reads).toEqual([
      {
        kind: 'character',
        characterKey: 's/a',
        relationships: [{ characterKey: 's/a', asOfEpisode: 7 }],
        ends: true,
        portrayedBy: false,
        firstShown: true,
      },
      {
        kind: 'character',
        characterKey: 's/b',
        relationships: [
          { characterKey: 's/b', asOfEpisode: 1 },
          { characterKey: 's/b', asOfEpisode: null },
        ],
        ends: true,
        portrayedBy: true,
        firstShown: false,
      },
    ]);
  });

  it('leaves out what @skip and @include leave out, with variables', () => {
    const document = `query ($skip: Boolean!, $include: Boolean!) {
      character(series: "s", slug: "a") @skip(if: $skip) { name }
      events(first: 3) @include(if: $include) { edges { node { agent { name } } } }
      other: events(first: 2) { edges { node { episode @include(if: $include) { number } summary } } }
    }`;
    expect(plan(document, { skip: true, include: false })).toEqual([
      {
        kind: 'events',
        pages: [{ filter: NO_EVENT_FILTER, first: 2, after: null }],
        episodes: false,
        people: false,
        participants: false,
        firstShown: false,
        // Named anywhere in the document, even where @skip leaves it out: more fields, never fewer.
        eventFields: [...ALWAYS, 'summary'],
      },
    ]);
    const all = plan(document, { skip: false, include: true });
    expect(all.map((r) => r.kind)).toEqual(['character', 'events', 'events']);
    expect(all[2]).toMatchObject({ episodes: true, people: false });
  });

  it('caps relationships at the progress, and adds the hidden-count page when a filter narrows by content', () => {
    const progress = new Map([['s', 2]]);
    const [character, events] = plan(
      `{ character(series: "s", slug: "a") { relationships(asOfEpisode: 5) { kind } }
         events(filter: { kinds: [CONFESSION] }, first: 1) { spoilersHidden } }`,
      {},
      progress,
    );
    expect(character).toMatchObject({ relationships: [{ characterKey: 's/a', asOfEpisode: 2 }], firstShown: true });
    const cut = [{ seriesKey: 's', episode: 2 }];
    expect(events).toMatchObject({
      pages: [
        { filter: { ...NO_EVENT_FILTER, kinds: ['CONFESSION'], visibleThrough: cut }, first: 1, after: null },
        { filter: { ...NO_EVENT_FILTER, visibleThrough: cut }, first: 0, after: null },
      ],
    });
  });

  it('plans nothing its resolvers would refuse, nor what it does not cover', () => {
    const refused = [
      '{ character(series: "s", slug: "a") { relationships(asOfEpisode: 0) { kind } } }',
      '{ events(first: 101) { totalCount } }',
      '{ events(first: -1) { totalCount } }',
      '{ events(after: "not-a-cursor") { totalCount } }',
      '{ events(filter: { episode: 0 }) { totalCount } }',
    ];
    expect(plan(refused[0]!)).toEqual([
      { kind: 'character', characterKey: 's/a', relationships: [], ends: false, portrayedBy: false, firstShown: false },
    ]);
    for (const document of refused.slice(1)) expect(plan(document), document).toEqual([]);
    expect(plan('{ series(slug: "s") { title } allSeries { totalCount } }')).toEqual([]);
    expect(plan('mutation { deleteSeries(slug: "s") { __typename } }')).toEqual([]);
    expect(plan('query ($n: Int!) { events(first: $n) { totalCount } }', { n: 'ten' })).toEqual([]);
    expect(plan('query ($n: Int!) { events(first: $n) { totalCount } }', {})).toEqual([]);
  });

  it('takes hostile keys and huge lists as plain parameters', () => {
    const [read] = plan('query ($slug: String!) { character(series: "__proto__", slug: $slug) { name } }', {
      slug: 'constructor\u0000\u{1F600}',
    });
    expect(read).toMatchObject({ characterKey: '__proto__/constructor\u0000\u{1F600}' });
    const kinds = Array.from({ length: 10_000 }, () => 'CONFESSION');
    const [events] = plan('query ($kinds: [PlotEventKind!]) { events(filter: { kinds: $kinds }) { totalCount } }', {
      kinds,
    });
    expect(events).toMatchObject({ pages: [{ filter: { kinds }, first: 20 }] });
  });

  it('plans a bounded number of root fields, leaving the other aliases to the loaders, which batch them', () => {
    const aliases = Array.from({ length: 500 }, (_, i) => `c${i}: character(series: "s", slug: "c${i}") { name }`);
    const reads = plan(`{ ${aliases.join('\n')} }`);
    expect(reads.length).toBe(MAX_PLANNED_FIELDS);
    expect(reads.map((r) => (r.kind === 'character' ? r.characterKey : null))).toEqual(
      Array.from({ length: MAX_PLANNED_FIELDS }, (_, i) => `s/c${i}`),
    );
  });
});

describe('the series page', () => {
  const PAGE = `query ($slug: String!, $kinds: [PlotEventKind!], $skip: Boolean!) {
    series(slug: $slug) {
      title
      episodes {
        number spoilersHidden
        events(kinds: $kinds) { participants { character { name portrayedBy { name } } } }
        ... on Episode { all: events { slug } }
        late: events(kinds: [KISS]) @skip(if: $skip) { agent { firstEpisode } }
      }
    }
  }`;

  it('plans episodes, each distinct events(kinds:) list once, the characters and who plays them', () => {
    expect(plan(PAGE, { slug: 'soundtrack-1', kinds: ['CONFESSION'], skip: true })).toEqual([
      {
        kind: 'series',
        seriesKey: 'soundtrack-1',
        episodes: true,
        // In the order the document names them: spoilersHidden asks for no events (an episode shown hides none).
        episodeEvents: [['CONFESSION'], null],
        characters: true,
        portrayedBy: true,
        cast: false,
        crew: false,
        firstShown: false,
        eventFields: [...ALWAYS, 'slug'],
      },
    ]);
    const [read] = plan(PAGE, { slug: 'soundtrack-1', kinds: null, skip: false }, new Map([['godspeed', 1]]));
    expect(read).toMatchObject({ episodeEvents: [null, ['KISS']], firstShown: true });
  });

  it('reads no characters when none is selected, and cast and crew only when asked', () => {
    expect(plan('{ series(slug: "s") { title episodes { number events { slug } } crew { role } } }')).toEqual([
      {
        kind: 'series',
        seriesKey: 's',
        episodes: true,
        episodeEvents: [null],
        characters: false,
        portrayedBy: false,
        cast: false,
        crew: true,
        firstShown: false,
        eventFields: [...ALWAYS, 'slug'],
      },
    ]);
    const [read] = plan('{ series(slug: "s") { cast { billing } } }', {}, new Map([['s', 1]]));
    expect(read).toMatchObject({ episodes: false, episodeEvents: [], cast: true, firstShown: true });
  });

  it('leaves events(kinds:) lists past the fourth to the loaders, and refuses nothing it cannot plan', () => {
    const kinds = ['CONFESSION', 'KISS', 'GIFT', 'CALL', 'MESSAGE', 'REUNION'];
    const aliases = kinds.map((kind, i) => `k${i}: events(kinds: [${kind}]) { slug }`).join(' ');
    const [read] = plan(`{ series(slug: "s") { episodes { ${aliases} } } }`);
    expect(read).toMatchObject({ episodeEvents: [['CONFESSION'], ['KISS'], ['GIFT'], ['CALL']] });
    expect(plan('query ($slug: String!) { series(slug: $slug) { episodes { number } } }', { slug: 7 })).toEqual([]);
    expect(plan('{ series(slug: "s") { title starring { name } } }')).toEqual([]);
  });

  it('leaves a series whose episodes are read a part at a time to the loaders, which read only that part', () => {
    expect(plan('{ series(slug: "s") { episodes { number } } }')).toHaveLength(1);
    for (const part of ['first: 2', 'fromNumber: 3', 'fromNumber: 3, first: 2', 'first: 0'])
      expect(plan(`{ series(slug: "s") { cast { billing } episodes(${part}) { events { slug } } } }`), part).toEqual(
        [],
      );
    expect(plan('query ($f: Int) { series(slug: "s") { episodes(first: $f) { number } } }', { f: null })).toHaveLength(
      1,
    );
    expect(plan('query ($f: Int) { series(slug: "s") { episodes(first: $f) { number } } }', { f: 'x' })).toEqual([]);
  });
});

describe('a person', () => {
  it('plans castings with their characters and series, and credits, only as far as they are selected', () => {
    expect(
      plan(
        `query ($skip: Boolean!) {
        person(slug: "p") {
          ... on Person { castings { billing character { name portrayedBy { name } } } }
          credits @skip(if: $skip) { series { title } }
        }
      }`,
        { skip: false },
      ),
    ).toEqual([
      {
        kind: 'person',
        personKey: 'p',
        castings: true,
        portrayedBy: true,
        credits: true,
        series: true,
        firstShown: false,
      },
    ]);
    const [read] = plan('{ person(slug: "p") { castings { character { firstEpisode } } } }');
    expect(read).toMatchObject({ castings: true, credits: false, series: false, portrayedBy: false, firstShown: true });
    const [gated] = plan('{ person(slug: "p") { castings { billing } } }', {}, new Map([['s', 1]]));
    expect(gated).toMatchObject({ firstShown: true });
    expect(plan('{ person(slug: "p") { credits { role } } }', {}, new Map([['s', 1]]))[0]).toMatchObject({
      firstShown: false,
    });
  });

  it('plans nothing for the person alone, nor for a slug its resolver would refuse', () => {
    expect(plan('{ person(slug: "p") { name externalIds { imdb } } }')).toEqual([]);
    expect(plan('query ($s: String!) { person(slug: $s) { credits { role } } }', { s: ['x'] })).toEqual([]);
    const [hostile] = plan('query ($s: String!) { person(slug: $s) { credits { role } } }', { s: '__proto__' });
    expect(hostile).toMatchObject({ personKey: '__proto__' });
  });
});

describe('a page of allSeries', () => {
  it('plans the page and what every node selection reads of its series, merged', () => {
    const reads = plan(`{
      allSeries(first: 5) { edges { node { cast { billing } } again: node { episodes { events { agent { name } } } } } }
    }`);
    expect(reads).toEqual([
      {
        kind: 'allSeries',
        page: { first: 5, afterSlug: null },
        episodes: true,
        episodeEvents: [null],
        characters: true,
        portrayedBy: false,
        cast: true,
        crew: false,
        firstShown: false,
        eventFields: [...ALWAYS],
      },
    ]);
  });

  it('plans nothing its resolver would refuse: a bad first, a cursor that is not ours', () => {
    const page =
      'query ($first: Int, $after: String) { allSeries(first: $first, after: $after) { edges { node { crew { role } } } } }';
    expect(plan(page, { first: 101 })).toEqual([]);
    expect(plan(page, { first: -1 })).toEqual([]);
    expect(plan(page, { first: 2, after: 'not-a-cursor' })).toEqual([]);
    expect(plan(page, { first: 2, after: btoa('event:["s",1,1]') })).toEqual([]);
    expect(plan(page, { first: 2, after: btoa('series:"godspeed"') })).toMatchObject([
      { page: { first: 2, afterSlug: 'godspeed' } },
    ]);
  });
});
