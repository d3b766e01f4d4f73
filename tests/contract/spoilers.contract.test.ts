import { expect, it } from 'vitest';
import { describeEachStore } from '../support/each-store.js';
import { errorCodes, graphql } from '../support/graphql.js';
import { mutate, SOURCE, writableYoga } from '../support/writes.js';

const STANDING = `{
  character(series: "soundtrack-1", slug: "sun-woo") {
    spoilersHidden
    relationships { kind from { slug } to { slug } until { number } }
    later: relationships(asOfEpisode: 4) { kind }
  }
  events(filter: { series: "soundtrack-1", kinds: [CONFESSION] }) { totalCount spoilersHidden edges { node { sequence } } }
  episode(series: "soundtrack-1", number: 4) { spoilersHidden events { sequence flashback } } }`;

const withDirective = (query: string, episode: number) =>
  `query AsOf @watchedThrough(series: "soundtrack-1", episode: ${episode}) ${query}`;

const withEunSoo = (list: any[]) => list.filter((r) => [r.from.slug, r.to.slug].includes('eun-soo'));

describeEachStore('spoiler control', (service) => {
  const ask = async (query: string, headers: Record<string, string> = {}, variables?: Record<string, unknown>) => {
    const response = await graphql(service().yoga, query, variables, headers);
    expect(response.errors).toBeUndefined();
    return response.data!;
  };

  it.each([
    ['the X-Watched-Through header', () => ask(STANDING, { 'x-watched-through': 'soundtrack-1@3' })],
    ['the @watchedThrough directive', () => ask(withDirective(STANDING, 3))],
    [
      'both, the earlier episode winning',
      () => ask(withDirective(STANDING, 3), { 'x-watched-through': 'soundtrack-1@4' }),
    ],
  ])('as of episode 3 by %s, shows best friends, no couple and no confession', async (_name, run) => {
    const { character, events, episode } = await run();
    const pair = withEunSoo(character.relationships);
    // the shared home is revealed in episode 4 (revealedIn), though it held from the start
    expect(pair.map((r: any) => r.kind)).toEqual(['BEST_FRIEND', 'UNSPOKEN_LOVE']);
    expect(pair.every((r: any) => r.until === null)).toBe(true);
    expect(character.later.map((r: any) => r.kind)).not.toContain('ROMANTIC');
    expect(character.later).toEqual(character.relationships.map((r: any) => ({ kind: r.kind })));
    // Only series and episode narrow the hidden count: every event of episode 4, not only its confessions.
    expect(events).toEqual({ totalCount: 0, spoilersHidden: 34, edges: [] });
    // episode 4 itself is hidden (its title would tell the story); its events still count in spoilersHidden
    expect(episode).toBeNull();
    // 29 events, 3 relationships from episode 4 (the romance, Seo-yeon's work and interest), 4 with a character not met by
    // episode 3, and 2 held from the start but revealed in episode 4 (his secret love, the shared home)
    expect(character.spoilersHidden).toBe(29 + 3 + 4 + 2);
  });

  it.each([
    ['progress through episode 4', { 'x-watched-through': 'soundtrack-1@4' }],
    ['no progress', {}],
    ['progress in another series only', { 'x-watched-through': 'another-show@1' }],
  ])('with %s, shows the couple and all four confessions', async (_name, headers) => {
    const { character, events, episode } = await ask(STANDING, headers);
    expect(withEunSoo(character.relationships).map((r: any) => r.kind)).toEqual(['HOUSEMATE', 'ROMANTIC']);
    expect(events.totalCount).toBe(4);
    expect(events.spoilersHidden).toBe(0);
    expect(episode.spoilersHidden).toBe(0);
    expect(episode.events.filter((e: any) => e.flashback)).toEqual([
      { sequence: 8, flashback: true },
      { sequence: 29, flashback: true },
    ]);
    expect(character.spoilersHidden).toBe(0);
  });

  it('hides the episode-4 flashback to earlier times, in every list and by id', async () => {
    const { character } = await ask(`{ character(series: "soundtrack-1", slug: "eun-soo") {
        events(kinds: [MEMORY]) { id sequence flashback } relationships { id kind } } }`);
    const flashback = character.events.find((e: any) => e.flashback);
    const romance = character.relationships.find((r: any) => r.kind === 'ROMANTIC');
    expect(flashback.sequence).toBe(8);
    const query = `query ($flashback: ID!, $romance: ID!) @watchedThrough(series: "soundtrack-1", episode: 3) {
        flashback: node(id: $flashback) { id } romance: node(id: $romance) { id }
        character(series: "soundtrack-1", slug: "eun-soo") { events(kinds: [MEMORY]) { sequence } }
        events(filter: { participant: "eun-soo" }) { totalCount spoilersHidden } }`;
    const hidden = await ask(query, {}, { flashback: flashback.id, romance: romance.id });
    const { events: episode4 } = await ask('{ events(filter: { series: "soundtrack-1", episode: 4 }) { totalCount } }');
    expect(hidden).toEqual({
      flashback: null,
      romance: null,
      character: { events: [] },
      events: { totalCount: 0, spoilersHidden: episode4.totalCount },
    });
    const shown = await ask(
      query.replace('episode: 3', 'episode: 4'),
      {},
      { flashback: flashback.id, romance: romance.id },
    );
    expect(shown.flashback).toEqual({ id: flashback.id });
    expect(shown.romance).toEqual({ id: romance.id });
  });

  it('answers no yes-or-no question about hidden events: a filter by character, kind, outcome or certainty does not narrow spoilersHidden', async () => {
    const count = (filter: string) =>
      `events(filter: { series: "soundtrack-1", ${filter} }) { totalCount spoilersHidden }`;
    const data = await ask(
      `{ everything: ${count('episode: 4')}
         kiss: ${count('agent: "sun-woo", target: "eun-soo", kinds: [KISS]')}
         returned: ${count('agent: "eun-soo", target: "sun-woo", kinds: [CONFESSION], outcome: RECIPROCATED, certainty: STATED')}
         reciprocated: ${count('outcome: RECIPROCATED')} rejected: ${count('outcome: REJECTED')}
         askedOut: ${count('target: "sun-woo", kinds: [ASK_OUT]')} nobody: ${count('participant: "nobody"')} }`,
      { 'x-watched-through': 'soundtrack-1@3' },
    );
    const hiddenInSeries = (await ask(`{ ${count('episode: 4')} }`)).events.totalCount;
    expect(hiddenInSeries).toBeGreaterThan(1);
    for (const [name, answer] of Object.entries(data)) {
      expect(answer, name).toEqual({ totalCount: 0, spoilersHidden: hiddenInSeries });
    }
    const episode2 = await ask(`{ events: ${count('episode: 2, kinds: [KISS]')} }`, {
      'x-watched-through': 'soundtrack-1@1',
    });
    const allOfEpisode2 = await ask(`{ events: ${count('episode: 2')} }`);
    expect(episode2.events.spoilersHidden).toBe(allOfEpisode2.events.totalCount);
  });

  it('shows a relationship whose end is still to come as open when fetched by id', async () => {
    const { character } = await ask(
      '{ character(series: "soundtrack-1", slug: "eun-soo") { relationships(asOfEpisode: 3) { id kind until { number } } } }',
    );
    const best = character.relationships.find((r: any) => r.kind === 'BEST_FRIEND');
    expect(best.until).toEqual({ number: 4 });
    const seen = await ask(
      'query ($id: ID!) { node(id: $id) { ... on Relationship { until { number } } } }',
      { 'x-watched-through': 'soundtrack-1@3' },
      { id: best.id },
    );
    expect(seen.node).toEqual({ until: null });
  });

  it("reads the default values of the directive's variables, and the values sent over them", async () => {
    const query = `query AsOf($series: String = "soundtrack-1", $episode: Int = 3)
      @watchedThrough(series: $series, episode: $episode) { events(filter: { series: "soundtrack-1" }) { spoilersHidden } }`;
    const hidden = async (variables?: Record<string, unknown>) =>
      (await ask(query, {}, variables)).events.spoilersHidden;
    const asOf3 = await hidden();
    expect(asOf3).toBeGreaterThan(0);
    expect(await hidden({ episode: 3 })).toBe(asOf3);
    expect(await hidden({ episode: 4 })).toBe(0);
  });

  it.each([
    ['a header without an episode', { 'x-watched-through': 'soundtrack-1' }, STANDING],
    ['a header with episode 0', { 'x-watched-through': 'soundtrack-1@0' }, STANDING],
    ['a header with a word for an episode', { 'x-watched-through': 'soundtrack-1@three' }, STANDING],
    ['a header with an empty entry', { 'x-watched-through': 'soundtrack-1@3,' }, STANDING],
    ['a directive with episode 0', {}, withDirective(STANDING, 0)],
    ['a header that is no entry at all', { 'x-watched-through': 'bad header' }, STANDING],
    ['a header with an upper-case slug', { 'x-watched-through': 'SOUNDTRACK-1@3' }, STANDING],
  ])(
    'rejects %s with BAD_USER_INPUT and no data, a 400 request error (200 under application/json)',
    async (_name, headers, query) => {
      const response = await graphql(service().yoga, query, undefined, headers);
      expect(response.status).toBe(400);
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.data ?? null).toBeNull();
      const legacy = await graphql(service().yoga, query, undefined, { ...headers, accept: 'application/json' });
      expect(legacy.status).toBe(200);
      expect(errorCodes(legacy)).toEqual(['BAD_USER_INPUT']);
      expect(legacy.data ?? null).toBeNull();
    },
  );

  it.each([
    ['an episode variable below 1', { episode: 0 }],
    ['a missing episode variable', {}],
    ['an episode variable given as text', { episode: 'three' }],
    ['an episode variable given as a list', { episode: [3] }],
    ['an episode variable past Int', { episode: 2 ** 40 }],
  ])('rejects a directive with %s with BAD_USER_INPUT', async (_name, variables) => {
    const query =
      'query ($episode: Int!) @watchedThrough(series: "soundtrack-1", episode: $episode) { events { totalCount } }';
    const response = await graphql(service().yoga, query, variables);
    expect(response.status).toBeLessThan(500);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.data ?? null).toBeNull();
  });

  it('names the variable that does not coerce, as execution would, not a range the value never reached', async () => {
    const query =
      'query ($episode: Int!) @watchedThrough(series: "soundtrack-1", episode: $episode) { events { totalCount } }';
    const response = await graphql(service().yoga, query, { episode: 'three' });
    expect(response.errors?.[0]?.message).toMatch(/^Variable "\$episode" got invalid value "three"/);
    expect(response.errors?.[0]?.message).not.toMatch(/from 1/);
  });
});

/**
 * Progress past the episodes a series is known to have is taken as it is, for every series alike: a series'
 * episodeCount is what the data knows (0 while unknown), and a viewer may be ahead of it. Nothing more is hidden.
 */
describeEachStore('progress past the known length of a series', (service) => {
  const SERIES = `{ series(slug: "unaired-show") { title episodeCount episodes { number } }
    s1: series(slug: "soundtrack-1") { episodes { number } characters { slug } }
    events(filter: { series: "soundtrack-1" }) { totalCount spoilersHidden } }`;

  it('creates a series of 0 episodes with the write API', async () => {
    const written = await mutate(writableYoga(service().store), 'upsertSeries', '($input: UpsertSeriesInput!)', {
      input: { slug: 'unaired-show', title: 'Unaired Show', episodeCount: 0, source: SOURCE },
    });
    expect(written.data!.upsertSeries.__typename).toBe('UpsertSeriesSuccess');
  });

  it.each([
    ['a series of 0 episodes, by the header', { 'x-watched-through': 'unaired-show@5' }, ''],
    ['a series of 0 episodes, by the directive', {}, '@watchedThrough(series: "unaired-show", episode: 5)'],
    ['a series of 4 episodes, by the header', { 'x-watched-through': 'soundtrack-1@9' }, ''],
    ['a series of 4 episodes, by the directive', {}, '@watchedThrough(series: "soundtrack-1", episode: 9)'],
    ['both at once', { 'x-watched-through': 'unaired-show@2147483647, soundtrack-1@2147483647' }, ''],
  ])('is accepted for %s, and hides nothing', async (_name, headers, directive) => {
    const withProgress = await graphql(service().yoga, `query Q ${directive} ${SERIES}`, undefined, headers);
    const without = await graphql(service().yoga, SERIES);
    expect(withProgress.status).toBe(200);
    expect(withProgress.errors).toBeUndefined();
    expect(withProgress.data).toEqual(without.data);
    expect(withProgress.data!.series).toEqual({ title: 'Unaired Show', episodeCount: 0, episodes: [] });
    expect(withProgress.data!.events.spoilersHidden).toBe(0);
  });

  it('is accepted by the JSON-LD too, for a series of 0 episodes and of 4', async () => {
    for (const url of [
      '/series/unaired-show.jsonld?watched-through=5',
      '/series/soundtrack-1.jsonld?watched-through=9',
    ]) {
      const response = await service().yoga.fetch(`http://drama.test${url}`);
      expect(response.status, url).toBe(200);
    }
  });

  it('still refuses an episode below 1 with BAD_USER_INPUT, whatever the series', async () => {
    for (const header of ['unaired-show@0', 'soundtrack-1@0']) {
      const response = await graphql(service().yoga, SERIES, undefined, { 'x-watched-through': header });
      expect(errorCodes(response), header).toEqual(['BAD_USER_INPUT']);
    }
  });
});
