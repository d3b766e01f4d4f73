import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { open as openLmdb } from 'lmdb';
import { afterAll, expect, it } from 'vitest';
import { COLLECTIONS } from '../../src/domain/collections.js';
import { loadSeedDirectory } from '../../src/seed/load.js';
import { openEmbeddedStore } from '../../src/store/embedded/index.js';
import { SEED_DIR } from '../support/seeded.js';

const dir = await mkdtemp(path.join(tmpdir(), 'drama-legacy-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

it('reads records written before several sources, revealed text and certainty with their current shape, after migrating their directory', async () => {
  const doc = await loadSeedDirectory(SEED_DIR);
  const character = doc.characters.find((c) => c.slug === 'woo-il')!;
  const relationship = doc.relationships.find((r) => r.slug === 'woo-il-loves-eun-soo')!;
  const event = doc.events.find((e) => e.slug === 'first-kiss')!;
  const legacy = <T extends { sources: unknown[] }>(record: T, extra: Record<string, unknown>) => {
    const {
      sources: _sources,
      certainty: _c,
      basis: _b,
      ...rest
    } = record as T & { certainty?: unknown; basis?: unknown };
    return { ...rest, source: { document: 'Old recap', paragraph: 2 }, ...extra };
  };
  const changed: Record<string, Record<string, unknown>> = {
    [character.key]: legacy(character, { description: 'Old text' }),
    [relationship.key]: legacy(relationship, { note: null }),
    [event.key]: legacy(event, {}),
  };
  // The layout before the indexes: one plain msgpack database of records per collection, and nothing else.
  const env = openLmdb({ path: dir, overlappingSync: false, maxDbs: 64, cache: false });
  for (const collection of COLLECTIONS) {
    const db = env.openDB({ name: collection, encoding: 'msgpack' });
    await db.transaction(() => {
      for (const record of doc[collection] as { key: string }[]) db.put(record.key, changed[record.key] ?? record);
    });
  }
  await env.close();

  await (await openEmbeddedStore({ dataDir: dir })).close();
  const reopened = await openEmbeddedStore({ dataDir: dir, readOnly: true });
  try {
    const [c] = await reopened.charactersByKeys([character.key]);
    expect(c).toMatchObject({
      description: [{ fromEpisode: 1, text: 'Old text' }],
      sources: [{ document: 'Old recap', paragraph: 2 }],
      certainty: 'STATED',
      basis: [],
    });
    expect(c).not.toHaveProperty('source');
    const [r] = await reopened.relationshipsByKeys([relationship.key]);
    expect(r).toMatchObject({ note: [], sources: [{ document: 'Old recap', paragraph: 2 }], certainty: 'STATED' });
    const [e] = await reopened.eventsByKeys([event.key]);
    expect(e).toMatchObject({ sources: [{ document: 'Old recap', paragraph: 2 }], certainty: 'STATED', basis: [] });
  } finally {
    await reopened.close();
  }
});
