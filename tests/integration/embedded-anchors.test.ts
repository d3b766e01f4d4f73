import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slugOf } from '../../src/domain/keys.js';
import type { GraphDocument, PlotEventRecord } from '../../src/domain/records.js';
import { fold, mayMatch } from '../../src/domain/search/fold.js';
import { type Searchable, storedSearchKeys } from '../../src/domain/search/keys.js';
import { eventVisible, progressOf } from '../../src/domain/spoilers.js';
import { writeCatalogue } from '../../src/generate/write.js';
import { loadSeedDirectory } from '../../src/seed/load.js';
import { type EmbeddedStore, openEmbeddedStore } from '../../src/store/embedded/index.js';
import { matchesFilter } from '../../src/store/embedded/queries.js';
import type { EventFilter } from '../../src/store/port.js';
import { NO_EVENT_FILTER } from '../../src/store/port.js';

/* The embedded store's anchored findEvents and trigram search answer exactly as full scans do. */

let dir: string;
let store: EmbeddedStore;
let events: PlotEventRecord[];
let loaded: GraphDocument;
const document = () => loaded;
let searchables: Searchable[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'anchors-'));
  await writeCatalogue({ series: 6, seed: 3, out: path.join(dir, 'catalogue') });
  loaded = await loadSeedDirectory(path.join(dir, 'catalogue'));
  const document = loaded;
  store = await openEmbeddedStore({ dataDir: path.join(dir, 'data') });
  await store.importDocument(document);
  events = document.events;
  searchables = [
    ...document.series.map((record): Searchable => ({ type: 'series', record })),
    ...document.episodes.map((record): Searchable => ({ type: 'episode', record })),
    ...document.characters.map((record): Searchable => ({ type: 'character', record })),
    ...document.people.map((record): Searchable => ({ type: 'person', record })),
  ];
});

afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const byPosition = (a: PlotEventRecord, b: PlotEventRecord) =>
  a.seriesKey.localeCompare(b.seriesKey) || a.episodeNumber - b.episodeNumber || a.sequence - b.sequence;

function scanned(filter: EventFilter): PlotEventRecord[] {
  const progress = progressOf(filter.visibleThrough);
  return events.filter((e) => matchesFilter(e, filter) && eventVisible(progress, e)).sort(byPosition);
}

async function pagedKeys(filter: EventFilter): Promise<{ keys: string[]; totalCount: number }> {
  const keys: string[] = [];
  let after: PlotEventRecord | null = null;
  for (;;) {
    const page = await store.findEvents({ filter, first: 7, after });
    keys.push(...page.items.map((e) => e.key));
    if (!page.hasNextPage) return { keys, totalCount: page.totalCount };
    after = page.items.at(-1)!;
  }
}

describe('embedded findEvents anchored on character slugs', () => {
  it('pages through exactly the scanned matches for agent, target and participant filters', async () => {
    const sample = events[40]!;
    const slug = slugOf(sample.participants[0]!.characterKey);
    const cut = [{ seriesKey: sample.seriesKey, episode: 3 }];
    const filters: EventFilter[] = [
      { ...NO_EVENT_FILTER, participant: slug },
      { ...NO_EVENT_FILTER, agent: sample.agentKey === null ? slug : slugOf(sample.agentKey) },
      { ...NO_EVENT_FILTER, target: slug, kinds: [sample.kind] },
      { ...NO_EVENT_FILTER, participant: slug, agent: slug, visibleThrough: cut },
      { ...NO_EVENT_FILTER, participant: 'nobody-at-all' },
    ];
    expect(scanned(filters[0]!).length).toBeGreaterThan(7);
    for (const filter of filters) {
      const expected = scanned(filter).map((e) => e.key);
      expect(await pagedKeys(filter)).toEqual({ keys: expected, totalCount: expected.length });
    }
  });
});

describe('embedded search through the trigram index', () => {
  const scan = (query: string) =>
    searchables
      .filter((item) => storedSearchKeys(item).some((key) => mayMatch(query, key)))
      .map((item) => `${item.type}:${item.record.key}`)
      .sort();

  it('finds the same candidates as a scan of every record', async () => {
    const name = fold(document().characters[0]!.name);
    expect(scan(name).length).toBeGreaterThan(0);
    for (const query of ['', 'a', 'an', name, name.slice(2, 6), 'episode3', 'zzzq', 'ㅅㅇ']) {
      const found = await store.searchCandidates({ query, limit: 100_000 });
      expect(found.map((item) => `${item.type}:${item.record.key}`).sort()).toEqual(scan(query));
    }
  });
});
