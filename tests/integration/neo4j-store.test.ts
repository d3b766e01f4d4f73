import { existsSync } from 'node:fs';
import neo4j from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { emptyDocument } from '../../src/domain/collections.js';
import type { GraphDocument } from '../../src/domain/records.js';
import { StoreUnavailableError } from '../../src/errors.js';
import { DEFAULT_SEED_DIR, loadSeedDirectory } from '../../src/seed/load.js';
import { importParts } from '../../src/store/neo4j/importer.js';
import { MIGRATIONS, type Neo4jStore, openNeo4jStore } from '../../src/store/neo4j/index.js';
import { toNumber, toParams } from '../../src/store/neo4j/values.js';
import { NO_EVENT_FILTER } from '../../src/store/port.js';

function connection() {
  const uri = process.env.NEO4J_URI;
  if (!uri) return inject('neo4j');
  const env = process.env;
  return {
    uri,
    user: env.NEO4J_USER ?? 'neo4j',
    password: env.NEO4J_PASSWORD ?? '',
    database: env.NEO4J_DATABASE ?? 'neo4j',
  };
}

const config = connection();
if (config === null)
  console.warn('\n*** NEO4J STORE TESTS SKIPPED: no NEO4J_URI and no throwaway Neo4j from global setup ***\n');

const byKey = <T extends { key: string }>(items: readonly T[]): T[] =>
  [...items].sort((a, b) => (a.key < b.key ? -1 : 1));
const countsOf = (doc: GraphDocument) =>
  Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, (v as unknown[]).length]));

describe.skipIf(config === null)('neo4j store', () => {
  let store: Neo4jStore;
  let doc: GraphDocument;

  beforeAll(async () => {
    if (!existsSync(`${DEFAULT_SEED_DIR}/soundtrack-1.json`)) throw new Error('the seed is missing');
    doc = await loadSeedDirectory(DEFAULT_SEED_DIR);
    store = await openNeo4jStore({ ...config! });
    await store.deleteEverything();
  });
  afterAll(async () => {
    await store?.deleteEverything();
    await store?.close();
  });

  it('migrates idempotently', async () => {
    const first = await store.migrate();
    expect(MIGRATIONS).toEqual(expect.arrayContaining(first));
    expect(await store.migrate()).toEqual([]);
  });

  it('imports the seed twice with the same counts', async () => {
    const expected = countsOf(doc);
    expect(await store.importDocument(doc)).toEqual(expected);
    expect(await store.counts()).toEqual(expected);
    const progress: string[] = [];
    expect(await store.importDocument(doc, (p) => progress.push(`${p.collection}:${p.done}/${p.total}`))).toEqual(
      expected,
    );
    expect(await store.counts()).toEqual(expected);
    expect(progress).toContain(`events:${doc.events.length}/${doc.events.length}`);
  });

  it('reads back every record deep-equal to the imported one', async () => {
    const keys = <T extends { key: string }>(items: T[]) => items.map((i) => i.key);
    expect(await store.seriesByKeys(keys(doc.series))).toEqual(doc.series);
    expect(await store.episodesByKeys(keys(doc.episodes))).toEqual(doc.episodes);
    expect(await store.charactersByKeys(keys(doc.characters))).toEqual(doc.characters);
    expect(await store.peopleByKeys(keys(doc.people))).toEqual(doc.people);
    expect(await store.relationshipsByKeys(keys(doc.relationships))).toEqual(doc.relationships);
    expect(await store.eventsByKeys(keys(doc.events))).toEqual(doc.events);
    const seriesKeys = keys(doc.series);
    expect(byKey((await store.castingsBySeries(seriesKeys)).flat())).toEqual(byKey(doc.castings));
    expect(byKey((await store.creditsBySeries(seriesKeys)).flat())).toEqual(byKey(doc.credits));
    expect(await store.seriesByKeys(['nope', seriesKeys[0]!])).toEqual([null, doc.series[0]]);
  });

  it('stores integers as Neo4j integers and reads them back as JS integers', async () => {
    const types = await store.propertyTypes();
    for (const [property, found] of Object.entries(types)) {
      if (found.length > 0) expect(found, property).toEqual(['INTEGER NOT NULL']);
    }
    expect(types.episodeNumber).toEqual(['INTEGER NOT NULL']);
    const [episode] = await store.episodesByKeys([doc.episodes[0]!.key]);
    expect(Number.isInteger(episode?.number)).toBe(true);
    const [event] = await store.eventsByKeys([doc.events[0]!.key]);
    expect(Number.isInteger(event?.sequence) && Number.isInteger(event?.episodeNumber)).toBe(true);
  });

  it('answers every batch in exactly one round trip', async () => {
    const characterKeys = doc.characters.map((c) => c.key);
    const trips = async (run: () => Promise<unknown>) => {
      const before = store.roundTrips;
      await run();
      return store.roundTrips - before;
    };
    expect(await trips(() => store.charactersByKeys(characterKeys.slice(0, 1)))).toBe(1);
    expect(await trips(() => store.charactersByKeys([...characterKeys, 'x/y'].slice(0, 5)))).toBe(1);
    expect(await trips(() => store.castingsByCharacter(characterKeys.slice(0, 5)))).toBe(1);
    const relQueries = characterKeys.slice(0, 5).map((characterKey) => ({ characterKey, asOfEpisode: 2 }));
    expect(await trips(() => store.relationshipsOf(relQueries))).toBe(1);
    expect(await trips(() => store.findEvents({ filter: NO_EVENT_FILTER, first: 2, after: null }))).toBe(1);
    expect(await trips(() => store.relationshipHistories(characterKeys.slice(0, 5)))).toBe(1);
    const seriesQueries = doc.series.map((s) => ({ seriesKey: s.key, kinds: ['CONFESSION' as const] }));
    expect(await trips(() => store.eventsOfSeriesByKind(seriesQueries))).toBe(1);
  });

  it('sends each event once for a batch of characters that share events, in one round trip, with the same lists', async () => {
    const seriesKey = doc.events[0]!.seriesKey;
    const characters = doc.characters.filter((c) => c.seriesKey === seriesKey).map((c) => c.key);
    const queries = [...characters, 'nobody/here'].map((characterKey) => ({ characterKey, role: null, kinds: null }));
    const before = store.roundTrips;
    const lists = await store.eventsOfCharacters(queries);
    expect(store.roundTrips - before).toBe(1);
    const expected = queries.map(({ characterKey }) =>
      doc.events
        .filter((e) => e.participants.some((p) => p.characterKey === characterKey))
        .sort((a, b) => a.episodeNumber - b.episodeNumber || a.sequence - b.sequence)
        .map((e) => e.key),
    );
    expect(lists.map((list) => list.map((e) => e.key))).toEqual(expected);
    const named = lists.flat();
    const distinct = new Set(named.map((e) => e.key));
    expect(named.length).toBeGreaterThan(distinct.size);
    // One record per event, shared by every list that names it: the answer held each once.
    expect(new Set(named).size).toBe(distinct.size);
    expect(await store.eventsOfCharacters([])).toEqual([]);
  });

  it("changes its data version with another process's write, which leaves this one's state tag as it was: it is never the sole writer", async () => {
    const other = await openNeo4jStore({ ...config! });
    try {
      // Derived caches keep what they updated only for a sole writer; another process wrote here unseen.
      expect(store.soleWriter).toBe(false);
      const [tag, version] = [store.stateTag, await store.dataVersion()];
      expect(await store.dataVersion()).toBe(version);
      await other.importDocument({ ...emptyDocument(), people: [{ ...doc.people[0]!, name: 'Renamed elsewhere' }] });
      expect(await store.dataVersion()).not.toBe(version);
      expect(store.stateTag.writes).toBe(tag.writes);
    } finally {
      await other.importDocument({ ...emptyDocument(), people: doc.people.slice(0, 1) });
      await other.close();
    }
  });

  it('writes nothing when an import fails midway', async () => {
    await store.deleteEverything();
    const failing = store.importDocument(doc, (p) => {
      if (p.collection === 'characters') throw new Error('stop here');
    });
    await expect(failing).rejects.toThrow('stop here');
    expect(Object.values(await store.counts()).every((n) => n === 0)).toBe(true);
    await store.importDocument(doc);
  });

  it('writes a document bigger than one transaction in bounded transactions, to the same final state', async () => {
    const bounded = await openNeo4jStore({ ...config!, importTransactionRows: 30 });
    try {
      await store.deleteEverything();
      const parts = importParts(doc, 30);
      expect(parts.length).toBeGreaterThan(3);
      const before = bounded.attempts;
      expect(await bounded.importDocument(doc)).toEqual(countsOf(doc));
      expect(bounded.attempts - before).toBe(parts.length);
      expect(await store.counts()).toEqual(countsOf(doc));
      const keys = <T extends { key: string }>(items: T[]) => items.map((i) => i.key);
      expect(await store.eventsByKeys(keys(doc.events))).toEqual(doc.events);
      expect(await store.relationshipsByKeys(keys(doc.relationships))).toEqual(doc.relationships);
      expect(await store.castingsBySeries(keys(doc.series))).toEqual(await bounded.castingsBySeries(keys(doc.series)));
    } finally {
      await bounded.close();
    }
  });

  it('keeps the parts written before a failure, not the failed one, and completes when imported again', async () => {
    const bounded = await openNeo4jStore({ ...config!, importTransactionRows: 30 });
    try {
      await store.deleteEverything();
      const parts = importParts(doc, 30);
      const failing = bounded.importDocument(doc, (p) => {
        if (p.collection === 'events' && p.done === p.total) throw new Error('stop in the last part');
      });
      await expect(failing).rejects.toThrow('stop in the last part');
      const earlier = parts.slice(0, -1).map(countsOf);
      const sum = Object.fromEntries(
        Object.keys(countsOf(doc)).map((k) => [k, earlier.reduce((n, c) => n + c[k]!, 0)]),
      );
      expect(await store.counts()).toEqual(sum);
      expect(await bounded.importDocument(doc)).toEqual(countsOf(doc));
      expect(await store.counts()).toEqual(countsOf(doc));
    } finally {
      await bounded.close();
    }
  });

  it('replaces participations and relationship endpoints on re-import', async () => {
    const event = doc.events.find((e) => e.participants.length > 1)!;
    const changed = { ...event, participants: [...event.participants].reverse(), summary: 'changed' };
    const rel = doc.relationships[0]!;
    const flipped = { ...rel, fromKey: rel.toKey, toKey: rel.fromKey, note: [{ fromEpisode: 1, text: 'flipped' }] };
    const partial = { ...emptyDocument(), events: [changed], relationships: [flipped] };
    await store.importDocument(partial);
    expect(await store.eventsByKeys([event.key])).toEqual([changed]);
    expect(await store.relationshipsByKeys([rel.key])).toEqual([flipped]);
    expect(await store.counts()).toEqual(countsOf(doc));
    await store.importDocument(doc);
    expect(await store.eventsByKeys([event.key])).toEqual([event]);
  });
});

describe('neo4j store without a server', () => {
  it('sends integral JS numbers as Neo4j integers and reads them back as numbers', () => {
    const params = toParams({ n: 3, list: [1, 2.5], nested: { at: null, flag: true } }) as Record<string, unknown>;
    expect(neo4j.isInt(params.n)).toBe(true);
    const [one, half] = params.list as unknown[];
    expect([neo4j.isInt(one), half]).toEqual([true, 2.5]);
    expect(params.nested).toEqual({ at: null, flag: true });
    expect(toNumber(neo4j.int(42))).toBe(42);
    expect(() => toNumber(neo4j.int('9007199254740993'))).toThrow(RangeError);
  });

  it('opens, then fails ping and queries with StoreUnavailableError', async () => {
    const store = await openNeo4jStore({
      uri: 'bolt://127.0.0.1:1',
      user: 'neo4j',
      password: 'x',
      database: 'neo4j',
      maxRetryTimeMs: 200,
    });
    try {
      await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.seriesByKeys(['a'])).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.importDocument(emptyDocument())).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await store.close();
    }
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
