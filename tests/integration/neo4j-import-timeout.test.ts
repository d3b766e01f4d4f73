import neo4j from 'neo4j-driver';
import { describe, expect, inject, it } from 'vitest';
import { countsOf } from '../../src/domain/collections.js';
import { DEFAULT_SEED_DIR, loadSeedDirectory } from '../../src/seed/load.js';
import { Neo4jStore } from '../../src/store/neo4j/index.js';

const config = inject('neo4j');

describe.skipIf(config === null)('a Neo4j import transaction that runs past its timeout', { timeout: 300_000 }, () => {
  it('is rolled back and written again in smaller transactions, completing the import', async () => {
    const doc = await loadSeedDirectory(DEFAULT_SEED_DIR);
    const store = new Neo4jStore({ ...config!, transactionTimeoutMs: 5_000 });
    const driver = neo4j.driver(config!.uri, neo4j.auth.basic(config!.user, config!.password));
    const session = driver.session({ database: config!.database });
    try {
      await store.migrate();
      await store.deleteEverything();
      // Written once whole, so that the import below waits only for the lock, not for query plans.
      await store.importDocument(doc);
      // Another transaction holds a write lock on a person the import writes again, so the import's
      // first transaction waits for it until the server ends it at its timeout.
      const blocker = session.beginTransaction();
      await blocker.run('MATCH (p:Person {key: $key}) SET p.heldByTest = true', { key: doc.people[0]!.key });
      const before = store.attempts;
      let settled = false;
      const importing = store.importDocument(doc).finally(() => (settled = true));
      // Once a second transaction has begun, the first one was ended: let the lock go.
      while (store.attempts < before + 2 && !settled) await new Promise((resolve) => setTimeout(resolve, 20));
      await blocker.rollback();
      expect(await importing).toEqual(countsOf(doc));
      expect(store.attempts).toBeGreaterThan(before + 2);
      expect(await store.counts()).toEqual(countsOf(doc));
    } finally {
      await session.close();
      await driver.close();
      await store.close();
    }
  });
});
