import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NO_EXTERNAL_IDS } from '../../src/domain/build.js';
import { changeSet, touchedSeries } from '../../src/domain/integrity/changes.js';
import type { PlotEventRecord } from '../../src/domain/records.js';
import { buildCatalogue } from '../../src/reads/catalogue-profiles.js';
import type { CatalogueSnapshot } from '../../src/reads/profile-cache.js';
import { catalogueOf } from '../../src/reads/recommendations.js';
import { type EmbeddedStore, openEmbeddedStore } from '../../src/store/embedded/index.js';
import { SeriesJournal } from '../../src/store/journal.js';
import { syntheticCatalogue } from '../support/catalogue.js';

const CATALOGUE = syntheticCatalogue([
  { slug: 'alpha', tropes: ['TIME_SKIP'], cast: ['ann'], genres: ['romance'] },
  { slug: 'bravo', tropes: ['FRIENDS_TO_LOVERS'], cast: ['bob'], directors: ['dee'] },
  { slug: 'charlie', tropes: ['LOVE_TRIANGLE'], cast: ['ann'], genres: ['romance'] },
  { slug: 'delta', tropes: ['TIME_SKIP', 'UNREQUITED_LOVE'], genres: ['crime'] },
]);

const timeSkip = (series: string): PlotEventRecord => ({
  key: `${series}/years-pass`,
  seriesKey: series,
  slug: 'years-pass',
  episodeNumber: 2,
  sequence: 1,
  kind: 'TIME_SKIP',
  summary: 'Years pass.',
  agentKey: null,
  targetKey: null,
  participants: [],
  outcome: null,
  flashback: false,
  sources: [],
  certainty: 'STATED',
  basis: [],
});

const tropesOf = (snapshot: CatalogueSnapshot, key: string) =>
  snapshot.entries.find((e) => e.series.key === key)?.profile.tropes;
const slugsOf = (snapshot: CatalogueSnapshot) => snapshot.entries.map((e) => e.series.slug);

describe('recommendation profiles after this process writes', () => {
  let dataDir: string;
  let store: EmbeddedStore;
  /** The series whose profiles were read since the last reset, through seriesSummaries (one call a chunk). */
  let profiled: () => string[];

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'drama-graph-incremental-'));
    store = await openEmbeddedStore({ dataDir });
    await store.importDocument(CATALOGUE);
    const spy = vi.spyOn(store, 'seriesSummaries');
    profiled = () => {
      const keys = spy.mock.calls.flatMap(([keys]) => [...keys]);
      spy.mockClear();
      return keys;
    };
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** The served snapshot equals one built from scratch (but for the journal position each was read at). */
  const expectAsFromScratch = async (served: CatalogueSnapshot) => {
    const scratch = await buildCatalogue(store);
    profiled();
    expect(served.entries).toEqual(scratch.entries);
  };

  it('reads again only the profile of the series a write touched, and keeps the others', async () => {
    const before = await catalogueOf(store);
    expect(profiled()).toEqual(['alpha', 'bravo', 'charlie', 'delta']);
    await store.applyChanges(changeSet({ upserts: { events: [timeSkip('charlie')] } }));
    const after = await catalogueOf(store);
    expect(profiled()).toEqual(['charlie']);
    expect(tropesOf(before, 'charlie')).not.toContain('TIME_SKIP');
    expect(tropesOf(after, 'charlie')).toContain('TIME_SKIP');
    for (const key of ['alpha', 'bravo', 'delta']) {
      expect(after.entries.find((e) => e.series.key === key)).toBe(before.entries.find((e) => e.series.key === key));
    }
    await expectAsFromScratch(after);
  });

  it('drops a deleted series and reads nothing else', async () => {
    await catalogueOf(store);
    profiled();
    await store.applyChanges(changeSet({ deletes: { series: ['bravo'] }, cascade: true }));
    const after = await catalogueOf(store);
    expect(slugsOf(after)).toEqual(['alpha', 'charlie', 'delta']);
    expect(profiled()).toEqual([]);
    await expectAsFromScratch(after);
  });

  it('adds a new series in slug order, reading only its profile', async () => {
    await catalogueOf(store);
    profiled();
    const added = syntheticCatalogue([{ slug: 'beta', tropes: ['TIME_SKIP'], genres: ['crime'] }]);
    await store.applyChanges(changeSet({ upserts: added }));
    const after = await catalogueOf(store);
    expect(slugsOf(after)).toEqual(['alpha', 'beta', 'bravo', 'charlie', 'delta']);
    expect(profiled()).toEqual(['beta']);
    await expectAsFromScratch(after);
  });

  it('keeps the very snapshot when a write touched no series (a person)', async () => {
    const before = await catalogueOf(store);
    profiled();
    const person = {
      key: 'eve',
      slug: 'eve',
      name: 'Eve',
      nativeName: null,
      externalIds: NO_EXTERNAL_IDS,
      sources: [],
    };
    await store.applyChanges(changeSet({ upserts: { people: [person] } }));
    expect(await catalogueOf(store)).toBe(before);
    expect(profiled()).toEqual([]);
  });

  it('builds everything again after an import, which may touch any series', async () => {
    await catalogueOf(store);
    profiled();
    await store.importDocument(syntheticCatalogue([{ slug: 'delta', tropes: [], genres: ['crime'] }]));
    const after = await catalogueOf(store);
    expect(profiled()).toEqual(['alpha', 'bravo', 'charlie', 'delta']);
    await expectAsFromScratch(after);
  });

  it('does not lose a write made while the profiles are being built', async () => {
    const original = store.seriesSummaries;
    let entered!: () => void;
    let release!: () => void;
    const reached = new Promise<void>((resolve) => (entered = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The summaries are read before the write and handed back after it.
    vi.mocked(store.seriesSummaries).mockImplementationOnce(async (keys) => {
      const read = await original(keys);
      entered();
      await gate;
      return read;
    });
    const during = catalogueOf(store);
    await reached;
    await store.applyChanges(changeSet({ upserts: { events: [timeSkip('charlie')] } }));
    release();
    expect(tropesOf(await during, 'charlie')).not.toContain('TIME_SKIP');
    profiled();
    const after = await catalogueOf(store);
    expect(profiled()).toEqual(['charlie']);
    expect(tropesOf(after, 'charlie')).toContain('TIME_SKIP');
    await expectAsFromScratch(after);
  });
});

describe('which series a write touched', () => {
  it('names the series of every record but people: upserts by their series, deletes by their key', () => {
    const changes = changeSet({
      upserts: {
        events: [timeSkip('alpha')],
        people: [{ key: 'eve', slug: 'eve', name: 'Eve', nativeName: null, externalIds: NO_EXTERNAL_IDS, sources: [] }],
      },
      deletes: {
        series: ['bravo'],
        credits: ['charlie@dee#DIRECTOR'],
        castings: ['delta/a@ann'],
        relationships: ['echo/friend-a-b'],
        people: ['bob'],
      },
    });
    expect([...touchedSeries(changes)].sort()).toEqual(['alpha', 'bravo', 'charlie', 'delta', 'echo']);
  });

  it('answers since a position, and null once a write touched any series or the position is forgotten', () => {
    const journal = new SeriesJournal();
    journal.record(['alpha']);
    const position = journal.position;
    journal.record(['bravo', 'charlie']);
    journal.record([]);
    expect([...journal.since(position)!].sort()).toEqual(['bravo', 'charlie']);
    expect(journal.since(journal.position)).toEqual(new Set());
    journal.record(null);
    expect(journal.since(position)).toBeNull();
    const later = journal.position;
    for (let i = 0; i < 1_000; i++) journal.record(['delta']);
    expect(journal.since(later)).toEqual(new Set(['delta']));
    journal.record(['echo']);
    expect(journal.since(later)).toBeNull();
  });
});
