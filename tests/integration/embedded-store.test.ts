import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NO_EXTERNAL_IDS } from '../../src/domain/build.js';
import { changeSet } from '../../src/domain/integrity/changes.js';
import { ValidationError } from '../../src/domain/integrity/validation.js';
import type { GraphDocument, PlotEventRecord, RelationshipRecord } from '../../src/domain/records.js';
import type { ParticipantRole } from '../../src/domain/vocabulary.js';
import { StoreUnavailableError } from '../../src/errors.js';
import { DEFAULT_SEED_DIR, loadSeedDirectory } from '../../src/seed/load.js';
import { type EmbeddedStore, openEmbeddedStore } from '../../src/store/embedded/index.js';
import type { EventFilter } from '../../src/store/port.js';
import { NO_EVENT_FILTER } from '../../src/store/port.js';
import { importBigSeries } from '../support/big-series.js';
import { loopTicker } from '../support/loop-ticker.js';

const src = { document: 'fixture.md', paragraph: null };

function rel(slug: string, from: string, to: string, since: number | null, until: number | null): RelationshipRecord {
  return {
    key: `alpha/${slug}`,
    seriesKey: 'alpha',
    slug,
    kind: 'FRIEND',
    fromKey: `alpha/${from}`,
    toKey: `alpha/${to}`,
    mutual: false,
    sinceEpisode: since,
    untilEpisode: until,
    revealedIn: null,
    note: [],
    sources: [src],
    certainty: 'STATED' as const,
    basis: [],
  };
}

type Part = [string, ParticipantRole];
function ev(
  key: string,
  ep: number,
  seq: number,
  kind: PlotEventRecord['kind'],
  parts: Part[],
  outcome: PlotEventRecord['outcome'] = null,
): PlotEventRecord {
  const [seriesKey, slug] = key.split('/') as [string, string];
  const role = (r: ParticipantRole) => parts.find((p) => p[1] === r)?.[0] ?? null;
  return {
    key,
    seriesKey,
    slug,
    episodeNumber: ep,
    sequence: seq,
    kind,
    summary: `${slug} happens`,
    agentKey: role('AGENT'),
    targetKey: role('TARGET'),
    participants: parts.map(([characterKey, r]) => ({ characterKey, role: r })),
    outcome,
    flashback: false,
    sources: [{ document: 'fixture.md', paragraph: seq }],
    certainty: 'STATED' as const,
    basis: [],
  };
}

function fixture(): GraphDocument {
  const series = (slug: string, episodeCount: number) => ({
    key: slug,
    slug,
    title: slug.toUpperCase(),
    originalTitle: null,
    country: 'KR',
    releaseYear: 2024,
    platforms: ['Z', 'A'],
    genres: ['romance'],
    episodeCount,
    starring: ['p-bob', 'p-ann'],
    externalIds: NO_EXTERNAL_IDS,
    sources: [],
  });
  const episode = (seriesKey: string, number: number) => ({
    key: `${seriesKey}/${number}`,
    seriesKey,
    number,
    title: null,
    runtimeMinutes: 60,
    sources: [],
  });
  const character = (seriesKey: string, slug: string) => ({
    key: `${seriesKey}/${slug}`,
    seriesKey,
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
    nativeName: null,
    externalIds: NO_EXTERNAL_IDS,
    sources: [],
  });
  const casting = (seriesKey: string, c: string, personKey: string, billing: 'MAIN' | 'SUPPORTING' | 'GUEST') => ({
    key: `${seriesKey}/${c}@${personKey}`,
    seriesKey,
    personKey,
    characterKey: `${seriesKey}/${c}`,
    billing,
    sources: [],
    certainty: 'STATED' as const,
    basis: [],
  });
  const credit = (seriesKey: string, personKey: string, role: 'DIRECTOR' | 'WRITER') => ({
    key: `${seriesKey}@${personKey}#${role}`,
    seriesKey,
    personKey,
    role,
    sources: [],
  });
  return {
    people: ['p-dan', 'p-ann', 'p-cat', 'p-bob'].map(person),
    series: [series('beta', 2), series('alpha', 3)],
    episodes: [episode('alpha', 3), episode('beta', 1), episode('alpha', 1), episode('alpha', 2), episode('beta', 2)],
    characters: [
      character('alpha', 'mina'),
      character('alpha', 'joon'),
      character('beta', 'mina'),
      character('beta', 'leo'),
      character('alpha', 'hana'),
    ],
    castings: [
      casting('alpha', 'hana', 'p-cat', 'SUPPORTING'),
      casting('alpha', 'joon', 'p-bob', 'MAIN'),
      casting('beta', 'mina', 'p-ann', 'MAIN'),
      casting('alpha', 'mina', 'p-ann', 'MAIN'),
      casting('beta', 'leo', 'p-dan', 'GUEST'),
    ],
    credits: [
      credit('alpha', 'p-dan', 'WRITER'),
      credit('beta', 'p-ann', 'DIRECTOR'),
      credit('alpha', 'p-cat', 'DIRECTOR'),
      credit('alpha', 'p-ann', 'WRITER'),
    ],
    relationships: [
      rel('z-friends', 'mina', 'joon', null, null),
      rel('rivals', 'hana', 'mina', 1, 3),
      rel('lovers', 'mina', 'joon', 2, null),
      rel('crush', 'joon', 'mina', 1, 2),
    ],
    events: [
      ev('beta/b-memory', 2, 1, 'MEMORY', [['beta/leo', 'PRESENT']]),
      ev('alpha/leave', 3, 1, 'DEPARTURE', [
        ['alpha/joon', 'AGENT'],
        ['alpha/mina', 'WITNESS'],
      ]),
      ev('alpha/call', 2, 2, 'CALL', [
        ['alpha/hana', 'AGENT'],
        ['alpha/mina', 'MENTIONED'],
      ]),
      ev(
        'alpha/kiss',
        2,
        1,
        'KISS',
        [
          ['alpha/mina', 'AGENT'],
          ['alpha/joon', 'TARGET'],
        ],
        'RECIPROCATED',
      ),
      ev('beta/b-gift', 1, 2, 'GIFT', [
        ['beta/leo', 'AGENT'],
        ['beta/mina', 'TARGET'],
      ]),
      ev(
        'alpha/confess',
        1,
        2,
        'CONFESSION',
        [
          ['alpha/joon', 'AGENT'],
          ['alpha/mina', 'TARGET'],
        ],
        'REJECTED',
      ),
      ev(
        'beta/b-confess',
        1,
        1,
        'CONFESSION',
        [
          ['beta/mina', 'AGENT'],
          ['beta/leo', 'TARGET'],
        ],
        'ACCEPTED',
      ),
      ev('alpha/meet', 1, 1, 'REUNION', [
        ['alpha/mina', 'AGENT'],
        ['alpha/joon', 'TARGET'],
        ['alpha/hana', 'WITNESS'],
      ]),
    ],
  };
}

const ALL_EVENTS = [
  'alpha/meet',
  'alpha/confess',
  'alpha/kiss',
  'alpha/call',
  'alpha/leave',
  'beta/b-confess',
  'beta/b-gift',
  'beta/b-memory',
];
const keys = (records: readonly { key: string }[]) => records.map((r) => r.key);
const emptyCounts = {
  people: 0,
  series: 0,
  episodes: 0,
  characters: 0,
  castings: 0,
  credits: 0,
  relationships: 0,
  events: 0,
};

let dataDir: string;
let store: EmbeddedStore;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'embedded-store-'));
  store = await openEmbeddedStore({ dataDir: path.join(dataDir, 'data') });
});

afterEach(async () => {
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
});

const reopen = async () => {
  await store.close();
  store = await openEmbeddedStore({ dataDir: path.join(dataDir, 'data') });
};

describe('embedded store: records and orderings', () => {
  beforeEach(async () => {
    await store.importDocument(fixture());
  });

  it('returns every record exactly as imported, by key, in the order of the keys', async () => {
    const doc = fixture();
    expect(await store.eventsByKeys(doc.events.map((e) => e.key))).toEqual(doc.events);
    expect(await store.seriesByKeys(['beta', 'nope', 'alpha'])).toEqual([doc.series[0], null, doc.series[1]]);
    expect(await store.peopleByKeys(doc.people.map((p) => p.key))).toEqual(doc.people);
    expect(await store.charactersByKeys(doc.characters.map((c) => c.key))).toEqual(doc.characters);
    expect(await store.episodesByKeys(doc.episodes.map((e) => e.key))).toEqual(doc.episodes);
    expect(await store.relationshipsByKeys(doc.relationships.map((r) => r.key))).toEqual(doc.relationships);
    expect(await store.counts()).toEqual({
      people: 4,
      series: 2,
      episodes: 5,
      characters: 5,
      castings: 5,
      credits: 4,
      relationships: 4,
      events: 8,
    });
  });

  it('orders the lists of a series, a person and a character', async () => {
    expect((await store.episodesBySeries(['alpha', 'none'])).map(keys)).toEqual([
      ['alpha/1', 'alpha/2', 'alpha/3'],
      [],
    ]);
    expect((await store.charactersBySeries(['alpha'])).map(keys)).toEqual([['alpha/hana', 'alpha/joon', 'alpha/mina']]);
    expect((await store.castingsBySeries(['alpha'])).map(keys)).toEqual([
      ['alpha/mina@p-ann', 'alpha/joon@p-bob', 'alpha/hana@p-cat'],
    ]);
    expect((await store.castingsByPerson(['p-ann'])).map(keys)).toEqual([['alpha/mina@p-ann', 'beta/mina@p-ann']]);
    expect((await store.castingsByCharacter(['beta/leo'])).map(keys)).toEqual([['beta/leo@p-dan']]);
    expect((await store.creditsBySeries(['alpha'])).map(keys)).toEqual([
      ['alpha@p-cat#DIRECTOR', 'alpha@p-ann#WRITER', 'alpha@p-dan#WRITER'],
    ]);
    expect((await store.creditsByPerson(['p-ann'])).map(keys)).toEqual([['alpha@p-ann#WRITER', 'beta@p-ann#DIRECTOR']]);
  });

  it('answers relationships as of an episode, or at the end of the known story', async () => {
    const at = async (asOfEpisode: number | null) =>
      keys((await store.relationshipsOf([{ characterKey: 'alpha/mina', asOfEpisode }]))[0]!);
    expect(await at(null)).toEqual(['alpha/z-friends', 'alpha/lovers']);
    expect(await at(1)).toEqual(['alpha/z-friends', 'alpha/crush', 'alpha/rivals']);
    expect(await at(2)).toEqual(['alpha/z-friends', 'alpha/rivals', 'alpha/lovers']);
    expect(await at(3)).toEqual(['alpha/z-friends', 'alpha/lovers']);
    expect(await store.relationshipsOf([{ characterKey: 'beta/leo', asOfEpisode: null }])).toEqual([[]]);
  });

  it('lists the events of episodes and of characters', async () => {
    const episodes = await store.eventsOfEpisodes([
      { episodeKey: 'alpha/2', kinds: null },
      { episodeKey: 'alpha/1', kinds: ['CONFESSION'] },
      { episodeKey: 'alpha/1', kinds: [] },
    ]);
    expect(episodes.map(keys)).toEqual([['alpha/kiss', 'alpha/call'], ['alpha/confess'], []]);
    const characters = await store.eventsOfCharacters([
      { characterKey: 'alpha/mina', role: null, kinds: null },
      { characterKey: 'alpha/mina', role: 'MENTIONED', kinds: null },
      { characterKey: 'alpha/mina', role: null, kinds: ['KISS', 'DEPARTURE'] },
      { characterKey: 'alpha/mina', role: null, kinds: [] },
    ]);
    expect(characters.map(keys)).toEqual([
      ['alpha/meet', 'alpha/confess', 'alpha/kiss', 'alpha/call', 'alpha/leave'],
      ['alpha/call'],
      ['alpha/kiss', 'alpha/leave'],
      [],
    ]);
  });

  it('pages the series by slug', async () => {
    expect(await store.listSeries({ first: 1, afterSlug: null })).toMatchObject({ hasNextPage: true, totalCount: 2 });
    expect(keys((await store.listSeries({ first: 1, afterSlug: null })).items)).toEqual(['alpha']);
    expect(await store.listSeries({ first: 5, afterSlug: 'alpha' })).toEqual({
      items: [fixture().series[0]],
      hasNextPage: false,
      totalCount: 2,
    });
    expect(await store.listSeries({ first: 0, afterSlug: null })).toEqual({
      items: [],
      hasNextPage: true,
      totalCount: 2,
    });
    expect(await store.listSeries({ first: 5, afterSlug: 'beta' })).toEqual({
      items: [],
      hasNextPage: false,
      totalCount: 2,
    });
  });
});

describe('embedded store: findEvents', () => {
  beforeEach(async () => {
    await store.importDocument(fixture());
  });

  const find = async (filter: Partial<EventFilter>, first = 50, after: PlotEventRecord | null = null) => {
    const page = await store.findEvents({ filter: { ...NO_EVENT_FILTER, ...filter }, first, after });
    return { keys: keys(page.items), hasNextPage: page.hasNextPage, totalCount: page.totalCount };
  };

  it('filters, ANDing the fields', async () => {
    expect(await find({})).toEqual({ keys: ALL_EVENTS, hasNextPage: false, totalCount: 8 });
    expect((await find({ agent: 'mina' })).keys).toEqual(['alpha/meet', 'alpha/kiss', 'beta/b-confess']);
    expect((await find({ agent: 'mina', series: 'beta' })).keys).toEqual(['beta/b-confess']);
    expect((await find({ target: 'joon' })).keys).toEqual(['alpha/meet', 'alpha/kiss']);
    expect((await find({ participant: 'mina' })).totalCount).toBe(7);
    expect((await find({ kinds: ['CONFESSION'] })).keys).toEqual(['alpha/confess', 'beta/b-confess']);
    expect(await find({ kinds: [] })).toEqual({ keys: [], hasNextPage: false, totalCount: 0 });
    expect((await find({ outcome: 'REJECTED' })).keys).toEqual(['alpha/confess']);
    expect((await find({ series: 'alpha', episode: 2 })).keys).toEqual(['alpha/kiss', 'alpha/call']);
    expect((await find({ episode: 1 })).keys).toEqual(['alpha/meet', 'alpha/confess', 'beta/b-confess', 'beta/b-gift']);
    expect((await find({ series: 'gamma' })).totalCount).toBe(0);
  });

  it('pages after an exclusive position, counting every match', async () => {
    expect(await find({}, 3)).toEqual({ keys: ALL_EVENTS.slice(0, 3), hasNextPage: true, totalCount: 8 });
    expect(await find({}, 0)).toEqual({ keys: [], hasNextPage: true, totalCount: 8 });
    const kiss = fixture().events.find((e) => e.key === 'alpha/kiss')!;
    expect(await find({}, 2, kiss)).toEqual({ keys: ['alpha/call', 'alpha/leave'], hasNextPage: true, totalCount: 8 });
    expect(await find({ participant: 'mina' }, 10, kiss)).toEqual({
      keys: ['alpha/call', 'alpha/leave', 'beta/b-confess', 'beta/b-gift'],
      hasNextPage: false,
      totalCount: 7,
    });
    const gap = { seriesKey: 'alpha', episodeNumber: 2, sequence: 99 };
    expect((await store.findEvents({ filter: NO_EVENT_FILTER, first: 1, after: gap })).items.map((e) => e.key)).toEqual(
      ['alpha/leave'],
    );
    const walked: string[] = [];
    let after: PlotEventRecord | null = null;
    for (let more = true; more; ) {
      const page = await store.findEvents({ filter: NO_EVENT_FILTER, first: 3, after });
      walked.push(...keys(page.items));
      after = page.items.at(-1) ?? null;
      more = page.hasNextPage;
    }
    expect(walked).toEqual(ALL_EVENTS);
  });
});

describe('embedded store: writes', () => {
  it('re-imports idempotently and upserts changed records into the indexes', async () => {
    const first = await store.importDocument(fixture());
    expect(await store.importDocument(fixture())).toEqual(first);
    expect(await store.counts()).toEqual(first);
    const doc = fixture();
    const kiss = doc.events.find((e) => e.key === 'alpha/kiss')!;
    Object.assign(kiss, {
      episodeNumber: 3,
      sequence: 2,
      participants: [{ characterKey: 'alpha/hana', role: 'PRESENT' }],
    });
    const withHana = async () =>
      (await store.findEvents({ filter: { ...NO_EVENT_FILTER, participant: 'hana' }, first: 1, after: null }))
        .totalCount;
    expect(await withHana()).toBe(2);
    await store.importDocument({ ...doc, events: [kiss] });
    expect(await withHana()).toBe(3);
    expect(await store.counts()).toEqual(first);
    expect(
      (
        await store.eventsOfEpisodes([
          { episodeKey: 'alpha/2', kinds: null },
          { episodeKey: 'alpha/3', kinds: null },
        ])
      ).map(keys),
    ).toEqual([['alpha/call'], ['alpha/leave', 'alpha/kiss']]);
    expect(
      keys((await store.eventsOfCharacters([{ characterKey: 'alpha/mina', role: null, kinds: null }]))[0]!),
    ).not.toContain('alpha/kiss');
    expect((await store.findEvents({ filter: NO_EVENT_FILTER, first: 10, after: null })).items.at(4)).toEqual(kiss);
  });

  it('writes nothing when an import fails midway', async () => {
    await expect(
      store.importDocument(fixture(), (p) => {
        if (p.collection === 'characters') throw new Error('stop here');
      }),
    ).rejects.toThrow('stop here');
    expect(await store.counts()).toEqual(emptyCounts);
    await reopen();
    expect(await store.counts()).toEqual(emptyCounts);
  });

  it('keeps its records across a restart, and deletes everything when asked', async () => {
    const progress: string[] = [];
    await store.importDocument(fixture(), (p) => progress.push(`${p.collection}:${p.done}/${p.total}`));
    expect(progress).toContain('events:8/8');
    await reopen();
    expect(await store.eventsByKeys(ALL_EVENTS)).toEqual(
      ALL_EVENTS.map((k) => fixture().events.find((e) => e.key === k)),
    );
    expect(
      (await store.findEvents({ filter: NO_EVENT_FILTER, first: 50, after: null })).items.map((e) => e.key),
    ).toEqual(ALL_EVENTS);
    await store.deleteEverything();
    expect(await store.counts()).toEqual(emptyCounts);
    await reopen();
    expect(await store.counts()).toEqual(emptyCounts);
  });

  it('cannot be changed through the objects it was given or returns', async () => {
    const doc = fixture();
    await store.importDocument(doc);
    doc.events[0]!.summary = 'changed by the caller';
    const [returned] = await store.eventsByKeys(['beta/b-memory']);
    expect(returned!.summary).toBe('b-memory happens');
    expect(() => {
      returned!.participants.push({ characterKey: 'x', role: 'PRESENT' });
    }).toThrow();
    const lists = await store.episodesBySeries(['alpha']);
    lists[0]!.pop();
    expect((await store.episodesBySeries(['alpha']))[0]).toHaveLength(3);
  });

  it('counts one round trip per call and refuses work once closed', async () => {
    const before = store.roundTrips;
    await store.episodesBySeries(['alpha', 'beta']);
    await store.findEvents({ filter: NO_EVENT_FILTER, first: 1, after: null });
    expect(store.roundTrips).toBe(before + 2);
    await store.ping();
    await store.close();
    await store.close();
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.seriesByKeys(['alpha'])).rejects.toBeInstanceOf(StoreUnavailableError);
    store = await openEmbeddedStore({ dataDir: path.join(dataDir, 'data') });
  });
});

const hasSeeds = existsSync(DEFAULT_SEED_DIR) && (await readdir(DEFAULT_SEED_DIR)).some((n) => n.endsWith('.json'));

describe.skipIf(!hasSeeds)('embedded store: the real seed', () => {
  it('imports the seed and answers every record unchanged', async () => {
    const doc = await loadSeedDirectory(DEFAULT_SEED_DIR);
    const counts = await store.importDocument(doc);
    expect(counts.events).toBe(doc.events.length);
    await reopen();
    expect(await store.counts()).toEqual(counts);
    expect(await store.eventsByKeys(doc.events.map((e) => e.key))).toEqual(doc.events);
    expect(await store.relationshipsByKeys(doc.relationships.map((r) => r.key))).toEqual(doc.relationships);
    expect(await store.seriesByKeys(doc.series.map((s) => s.key))).toEqual(doc.series);
    const page = await store.findEvents({ filter: NO_EVENT_FILTER, first: doc.events.length, after: null });
    expect(page.items).toHaveLength(doc.events.length);
  });
});

describe('embedded store: a long read (red team 42: 20,000 events held the event loop for 0.15 s)', () => {
  const SERIES = 'long-read';
  beforeEach(async () => {
    await importBigSeries(store, SERIES, 5, 1_000);
    // Long reads take a turn once the process's slice of the loop is over; a clock that moves 25 ms whenever it is
    // read makes every check find it over, however fast this machine reads.
    let now = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => (now += 25));
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('lets the event loop turn while it reads, and answers in story order', async () => {
    const ticker = loopTicker();
    const [events] = await store.eventsOfSeries([SERIES]);
    ticker.stop();
    expect(ticker.turns()).toBeGreaterThan(1);
    expect(events).toHaveLength(5_000);
    expect(events!.map((e) => `${e.episodeNumber}/${e.sequence}`)).toEqual(
      Array.from({ length: 5_000 }, (_, i) => `${Math.floor(i / 1_000) + 1}/${(i % 1_000) + 1}`),
    );
    const [kinds] = await store.eventsOfSeriesByKind([{ seriesKey: SERIES, kinds: ['CONFESSION'] }]);
    expect(kinds).toHaveLength(2_500);
  });

  it('lets the event loop turn while a write that shortens the series checks every event (red team 43)', async () => {
    const [series] = await store.seriesByKeys([SERIES]);
    const ticker = loopTicker();
    const refused = store.applyChanges(changeSet({ upserts: { series: [{ ...series!, episodeCount: 4 }] } }));
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    ticker.stop();
    await expect(refused).rejects.toMatchObject({
      issues: [
        expect.objectContaining({ rule: 'episode-count', message: expect.stringContaining('episode 5 exists') }),
      ],
    });
    expect(ticker.turns()).toBeGreaterThan(2);
    expect((await store.seriesByKeys([SERIES]))[0]!.episodeCount).toBe(5);
  });

  // Red team 44: tropes derivations of requests whose clients had gone read every event of a big series to the end.
  it('ends a read that spans turns at its next turn once its signal aborts, and reads whole without one', async () => {
    const controller = new AbortController();
    const gone = new Error('the request was answered');
    setImmediate(() => controller.abort(gone));
    await expect(store.eventsOfSeries([SERIES], controller.signal)).rejects.toBe(gone);
    await expect(store.eventsOfSeriesByKind([{ seriesKey: SERIES, kinds: null }], controller.signal)).rejects.toBe(
      gone,
    );
    const [whole] = await store.eventsOfSeries([SERIES], new AbortController().signal);
    expect(whole).toHaveLength(5_000);
  });

  it('answers from one snapshot when a write lands between its turns: all before it or all after', async () => {
    const [before] = await store.eventsOfSeries([SERIES]);
    const [first, last] = [before![0]!, before!.at(-1)!];
    let written: Promise<unknown> | null = null;
    setImmediate(() => {
      written = store.applyChanges(
        changeSet({
          upserts: { events: [first, last].map((e) => ({ ...e, summary: `Rewritten mid-read: ${e.key}.` })) },
        }),
      );
    });
    const [read] = await store.eventsOfSeries([SERIES]);
    await written;
    const [after] = await store.eventsOfSeries([SERIES]);
    expect(after![0]!.summary).toContain('Rewritten mid-read');
    const summaries = (events: PlotEventRecord[]) => [events[0]!.summary, events.at(-1)!.summary];
    expect([summaries(before!), summaries(after!)]).toContainEqual(summaries(read!));
  });
});
