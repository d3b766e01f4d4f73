import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { NO_EXTERNAL_IDS } from '../../src/domain/build.js';
import type { GraphDocument, PlotEventRecord, RelationshipRecord } from '../../src/domain/records.js';
import type { ParticipantRole, PlotEventKind } from '../../src/domain/vocabulary.js';
import { openEmbeddedStore } from '../../src/store/embedded/index.js';
import { openNeo4jStore } from '../../src/store/neo4j/index.js';
import type { DramaStore, EventFilter } from '../../src/store/port.js';
import { NO_EVENT_FILTER } from '../../src/store/port.js';

const env = process.env;
const config = env.NEO4J_URI
  ? {
      uri: env.NEO4J_URI,
      user: env.NEO4J_USER ?? 'neo4j',
      password: env.NEO4J_PASSWORD ?? '',
      database: env.NEO4J_DATABASE ?? 'neo4j',
    }
  : inject('neo4j');
if (config === null) console.warn('\n*** NEO4J PARITY TESTS SKIPPED: no Neo4j available ***\n');

const src = (paragraph: number | null) => ({ document: 'fixture.md', paragraph });

function rel(
  s: string,
  slug: string,
  from: string,
  to: string,
  since: number | null,
  until: number | null,
): RelationshipRecord {
  return {
    key: `${s}/${slug}`,
    seriesKey: s,
    slug,
    kind: 'FRIEND',
    fromKey: `${s}/${from}`,
    toKey: `${s}/${to}`,
    mutual: since === null,
    sinceEpisode: since,
    untilEpisode: until,
    revealedIn: null,
    note:
      until === null
        ? []
        : [
            { fromEpisode: 1, text: 'begun' },
            { fromEpisode: until, text: 'ended' },
          ],
    certainty: since === null ? ('INFERRED' as const) : ('STATED' as const),
    basis: since === null ? [{ fromEpisode: 1, text: 'seen together' }] : [],
    sources: since === null ? [src(null)] : [src(1), src(null), src(2)],
  };
}

function ev(
  key: string,
  ep: number,
  seq: number,
  kind: PlotEventKind,
  parts: [string, ParticipantRole][],
): PlotEventRecord {
  const [seriesKey, slug] = key.split('/') as [string, string];
  const role = (r: ParticipantRole) => parts.find((p) => p[1] === r)?.[0] ?? null;
  const scoped = (c: string | null) => (c === null ? null : `${seriesKey}/${c}`);
  return {
    key,
    seriesKey,
    slug,
    episodeNumber: ep,
    sequence: seq,
    kind,
    summary: `${slug} happens`,
    agentKey: scoped(role('AGENT')),
    targetKey: scoped(role('TARGET')),
    participants: parts.map(([c, r]) => ({ characterKey: `${seriesKey}/${c}`, role: r })),
    outcome: kind === 'CONFESSION' ? 'REJECTED' : null,
    flashback: seq === 2,
    sources: [src(seq)],
    certainty: 'STATED' as const,
    basis: [],
  };
}

function fixture(): GraphDocument {
  const series = (slug: string) => ({
    key: slug,
    slug,
    title: slug,
    originalTitle: null,
    country: 'KR',
    releaseYear: 2024,
    platforms: ['Z', 'A'],
    genres: [],
    episodeCount: 3,
    starring: ['ann'],
    externalIds: NO_EXTERNAL_IDS,
    sources: [src(1)],
  });
  const character = (s: string, slug: string) => ({
    key: `${s}/${slug}`,
    seriesKey: s,
    slug,
    name: slug,
    nativeName: null,
    aliases: [
      { name: 'b', fromEpisode: 1 },
      { name: 'a', fromEpisode: 2 },
    ],
    description: [],
    firstEpisode: null,
    sources: [],
    certainty: 'STATED' as const,
    basis: [],
  });
  const person = (slug: string) => ({
    key: slug,
    slug,
    name: slug,
    nativeName: slug === 'ann' ? '안' : null,
    externalIds: NO_EXTERNAL_IDS,
    sources: [],
  });
  const casting = (s: string, c: string, p: string, billing: 'MAIN' | 'SUPPORTING' | 'GUEST') => ({
    key: `${s}/${c}@${p}`,
    seriesKey: s,
    personKey: p,
    characterKey: `${s}/${c}`,
    billing,
    sources: [],
    certainty: 'STATED' as const,
    basis: [],
  });
  const credit = (s: string, p: string, role: 'DIRECTOR' | 'WRITER') => ({
    key: `${s}@${p}#${role}`,
    seriesKey: s,
    personKey: p,
    role,
    sources: [],
  });
  return {
    people: ['dan', 'ann', 'cat', 'bob'].map(person),
    series: [series('beta'), series('alpha')],
    episodes: [3, 1, 2].flatMap((n) =>
      ['alpha', 'beta'].map((s) => ({
        key: `${s}/${n}`,
        seriesKey: s,
        number: n,
        title: null,
        runtimeMinutes: 60,
        sources: [],
      })),
    ),
    characters: [
      character('alpha', 'mina'),
      character('alpha', 'joon'),
      character('beta', 'mina'),
      character('beta', 'leo'),
      character('alpha', 'hana'),
    ],
    castings: [
      casting('alpha', 'hana', 'cat', 'SUPPORTING'),
      casting('alpha', 'joon', 'bob', 'MAIN'),
      casting('beta', 'mina', 'ann', 'MAIN'),
      casting('alpha', 'mina', 'ann', 'MAIN'),
      casting('beta', 'leo', 'dan', 'GUEST'),
      casting('alpha', 'mina', 'cat', 'GUEST'),
    ],
    credits: [
      credit('beta', 'dan', 'WRITER'),
      credit('alpha', 'cat', 'WRITER'),
      credit('alpha', 'dan', 'DIRECTOR'),
      credit('alpha', 'bob', 'WRITER'),
    ],
    relationships: [
      rel('alpha', 'r3', 'mina', 'joon', 2, null),
      rel('alpha', 'r1', 'joon', 'hana', null, 2),
      rel('alpha', 'r2', 'hana', 'mina', 1, 3),
      rel('alpha', 'r0', 'mina', 'hana', null, null),
      rel('beta', 'r1', 'leo', 'mina', 1, null),
    ],
    events: [
      ev('alpha/e4', 2, 1, 'KISS', [
        ['joon', 'AGENT'],
        ['mina', 'TARGET'],
      ]),
      ev('alpha/e1', 1, 2, 'CONFESSION', [
        ['mina', 'AGENT'],
        ['joon', 'TARGET'],
        ['hana', 'WITNESS'],
      ]),
      ev('beta/e1', 1, 1, 'CONFESSION', [
        ['mina', 'AGENT'],
        ['leo', 'TARGET'],
      ]),
      ev('alpha/e2', 1, 1, 'MEMORY', [
        ['hana', 'PRESENT'],
        ['mina', 'MENTIONED'],
      ]),
      ev('alpha/e3', 3, 1, 'GIFT', [
        ['hana', 'AGENT'],
        ['joon', 'TARGET'],
        ['hana', 'WITNESS'],
      ]),
      ev('beta/e2', 2, 5, 'DEPARTURE', []),
    ],
  };
}

const FILTERS: Partial<EventFilter>[] = [
  {},
  { series: 'alpha' },
  { episode: 1 },
  { kinds: [] },
  { kinds: ['CONFESSION', 'GIFT'] },
  { outcome: 'REJECTED' },
  { agent: 'mina' },
  { target: 'joon' },
  { participant: 'mina' },
  { participant: 'hana', series: 'alpha' },
  { agent: 'mina', series: 'beta' },
  { participant: 'nobody' },
  { series: 'alpha', episode: 1 },
  { series: 'alpha', episode: 1, kinds: ['CONFESSION'], participant: 'joon' },
  { target: 'joon', outcome: 'REJECTED' },
  { agent: 'hana', kinds: ['GIFT'] },
  { agent: 'nobody' },
  { target: 'mina', series: 'alpha', episode: 2 },
  { participant: 'mina', kinds: ['CONFESSION'], agent: 'mina' },
  { episode: 2, kinds: ['KISS', 'DEPARTURE'] },
  { visibleThrough: [{ seriesKey: 'alpha', episode: 1 }] },
  {
    kinds: ['CONFESSION', 'GIFT'],
    visibleThrough: [
      { seriesKey: 'alpha', episode: 2 },
      { seriesKey: 'beta', episode: 0 },
    ],
  },
];

async function answers(store: DramaStore) {
  const s = ['alpha', 'beta', 'zeta', 'alpha'];
  const chars = ['alpha/mina', 'alpha/joon', 'alpha/hana', 'beta/mina', 'beta/leo', 'x/y'];
  const pages = [];
  for (const f of FILTERS) {
    for (const first of [0, 1, 2, 10]) {
      const filter = { ...NO_EVENT_FILTER, ...f };
      pages.push(await store.findEvents({ filter, first, after: null }));
      pages.push(
        await store.findEvents({ filter, first, after: { seriesKey: 'alpha', episodeNumber: 1, sequence: 2 } }),
      );
    }
  }
  return {
    series: await store.seriesByKeys(s),
    episodes: await store.episodesBySeries(s),
    characters: await store.charactersBySeries(s),
    castings: [
      await store.castingsBySeries(s),
      await store.castingsByPerson(['ann', 'cat', 'zed']),
      await store.castingsByCharacter(chars),
    ],
    credits: [await store.creditsBySeries(s), await store.creditsByPerson(['dan', 'cat', 'bob', 'zed'])],
    histories: await store.relationshipHistories(chars),
    relationships: await Promise.all(
      [null, 1, 2, 3].map((asOfEpisode) =>
        store.relationshipsOf(chars.map((characterKey) => ({ characterKey, asOfEpisode }))),
      ),
    ),
    byEpisode: await store.eventsOfEpisodes([
      { episodeKey: 'alpha/1', kinds: null },
      { episodeKey: 'alpha/1', kinds: ['MEMORY'] },
      { episodeKey: 'beta/2', kinds: [] },
    ]),
    byCharacter: await store.eventsOfCharacters(
      chars.flatMap((characterKey) =>
        [null, 'AGENT', 'WITNESS'].map((role) => ({ characterKey, role: role as ParticipantRole | null, kinds: null })),
      ),
    ),
    list: [
      await store.listSeries({ first: 1, afterSlug: null }),
      await store.listSeries({ first: 5, afterSlug: 'alpha' }),
      await store.listSeries({ first: 0, afterSlug: null }),
    ],
    pages,
    counts: await store.counts(),
  };
}

describe.skipIf(config === null)('neo4j store answers like the embedded store', () => {
  const dirs: string[] = [];
  const stores: DramaStore[] = [];
  beforeAll(async () => {
    dirs.push(await mkdtemp(path.join(tmpdir(), 'neo4j-parity-')));
    const neo4j = await openNeo4jStore({ ...config! });
    await neo4j.deleteEverything();
    stores.push(await openEmbeddedStore({ dataDir: dirs[0]! }), neo4j);
    for (const store of stores) await store.importDocument(fixture());
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('gives the same answers to every method', async () => {
    const [embedded, neo4j] = await Promise.all(stores.map(answers));
    for (const key of Object.keys(embedded!) as (keyof typeof embedded)[])
      expect(neo4j![key], key).toEqual(embedded![key]);
  }, 120_000);
});
