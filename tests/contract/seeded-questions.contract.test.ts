import { expect, it } from 'vitest';
import { describeEachStore } from '../support/each-store.js';
import { graphql } from '../support/graphql.js';

describeEachStore('questions the recap answers', (service) => {
  it('says which character confessed to whom in which episode, and how it was answered', async () => {
    const response = await graphql(
      service().yoga,
      `{ events(filter: { series: "soundtrack-1", kinds: [CONFESSION] }) {
          totalCount
          edges { node { episode { number } sequence agent { name } target { name } outcome source { paragraph } } } } }`,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.events.totalCount).toBe(4);
    expect(response.data?.events.edges.map((e: any) => e.node)).toEqual([
      {
        episode: { number: 4 },
        sequence: 11,
        agent: { name: 'Woo-il' },
        target: { name: 'Eun-soo' },
        outcome: 'REJECTED',
        source: { paragraph: 8 },
      },
      {
        episode: { number: 4 },
        sequence: 22,
        agent: { name: 'Eun-soo' },
        target: { name: 'Sun-woo' },
        outcome: null,
        source: { paragraph: 15 },
      },
      {
        episode: { number: 4 },
        sequence: 31,
        agent: { name: 'Eun-soo' },
        target: { name: 'Sun-woo' },
        outcome: 'RECIPROCATED',
        source: { paragraph: 24 },
      },
      {
        episode: { number: 4 },
        sequence: 32,
        agent: { name: 'Sun-woo' },
        target: { name: 'Eun-soo' },
        outcome: null,
        source: { paragraph: 25 },
      },
    ]);
  });

  it('shows Eun-soo and Sun-woo as best friends after episode 3 and as a couple after episode 4', async () => {
    const response = await graphql(
      service().yoga,
      `{ character(series: "soundtrack-1", slug: "sun-woo") {
          after3: relationships(asOfEpisode: 3) { kind from { slug } to { slug } since { number } until { number } }
          after4: relationships(asOfEpisode: 4) { kind from { slug } to { slug } }
          atEnd: relationships { kind to { slug } } } }`,
    );
    expect(response.errors).toBeUndefined();
    const { after3, after4, atEnd } = response.data!.character;
    const withEunSoo = (list: any[]) =>
      list.filter((r) => [r.from?.slug, r.to.slug].includes('eun-soo')).map((r) => r.kind);
    expect([...withEunSoo(after3)].sort()).toEqual(['BEST_FRIEND', 'HOUSEMATE', 'UNSPOKEN_LOVE']);
    expect(after3.find((r: any) => r.kind === 'UNSPOKEN_LOVE')).toMatchObject({ since: { number: 3 } });
    expect(after3.find((r: any) => r.kind === 'BEST_FRIEND')).toMatchObject({ since: null, until: { number: 4 } });
    expect([...withEunSoo(after4)].sort()).toEqual(['HOUSEMATE', 'ROMANTIC']);
    expect(atEnd.map((r: any) => r.kind)).toEqual(after4.map((r: any) => r.kind));
  });

  it('serves the series facts, its cast and its crew', async () => {
    const response = await graphql(
      service().yoga,
      `{ series(slug: "soundtrack-1") {
          title originalTitle country releaseYear platforms episodeCount
          starring { slug }
          episodes { number runtimeMinutes }
          cast { person { name } character { slug } billing series { slug } }
          crew { person { name } role } } }`,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.series).toEqual({
      title: 'Soundtrack #1',
      originalTitle: '사운드트랙 #1',
      country: 'South Korea',
      releaseYear: null,
      platforms: ['Disney+ Hotstar'],
      episodeCount: 4,
      starring: [
        { slug: 'han-so-hee' },
        { slug: 'park-hyung-sik' },
        { slug: 'kim-joo-heon' },
        { slug: 'lee-jung-eun' },
      ],
      episodes: [1, 2, 3, 4].map((number) => ({ number, runtimeMinutes: number === 4 ? 53 : null })),
      cast: [
        {
          person: { name: 'Han So-hee' },
          character: { slug: 'eun-soo' },
          billing: 'MAIN',
          series: { slug: 'soundtrack-1' },
        },
        {
          person: { name: 'Park Hyung-sik' },
          character: { slug: 'sun-woo' },
          billing: 'MAIN',
          series: { slug: 'soundtrack-1' },
        },
      ],
      crew: [{ person: { name: 'Kim Hee-won' }, role: 'DIRECTOR' }],
    });
  });

  it('tells what happens in episode 4 in story order, flashback included', async () => {
    const response = await graphql(
      service().yoga,
      `{ episode(series: "soundtrack-1", number: 4) {
          events { sequence kind flashback }
          kisses: events(kinds: [KISS]) { agent { slug } target { slug } participants { character { slug } role } } } }`,
    );
    expect(response.errors).toBeUndefined();
    const { events, kisses } = response.data!.episode;
    expect(events.map((e: any) => e.sequence)).toEqual(Array.from({ length: 34 }, (_, i) => i + 1));
    expect(events.filter((e: any) => e.flashback)).toEqual([
      { sequence: 8, kind: 'MEMORY', flashback: true },
      { sequence: 29, kind: 'MEMORY', flashback: true },
    ]);
    expect(kisses).toEqual([
      {
        agent: { slug: 'sun-woo' },
        target: { slug: 'eun-soo' },
        participants: [
          { character: { slug: 'sun-woo' }, role: 'AGENT' },
          { character: { slug: 'eun-soo' }, role: 'TARGET' },
        ],
      },
    ]);
  });

  it('lists what a character did, by role, and who plays them', async () => {
    const response = await graphql(
      service().yoga,
      `{ character(series: "soundtrack-1", slug: "eun-soo") {
          portrayedBy { slug castings { character { name } } }
          confessions: events(role: AGENT, kinds: [CONFESSION]) { sequence target { slug } }
          targeted: events(role: TARGET, kinds: [CONFESSION, KISS]) { sequence kind } } }`,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.character).toEqual({
      portrayedBy: [{ slug: 'han-so-hee', castings: [{ character: { name: 'Eun-soo' } }] }],
      confessions: [
        { sequence: 22, target: { slug: 'sun-woo' } },
        { sequence: 31, target: { slug: 'sun-woo' } },
      ],
      targeted: [
        { sequence: 11, kind: 'CONFESSION' },
        { sequence: 32, kind: 'CONFESSION' },
        { sequence: 33, kind: 'KISS' },
      ],
    });
  });

  it('answers null for things the graph does not hold', async () => {
    const response = await graphql(
      service().yoga,
      `{ series(slug: "no-such-show") { title } episode(series: "soundtrack-1", number: 9) { number }
         character(series: "soundtrack-1", slug: "nobody") { name } person(slug: "nobody") { name } }`,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ series: null, episode: null, character: null, person: null });
  });
});
