import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { openEmbeddedStore } from '../../src/store/embedded/index.js';
import { openNeo4jStore } from '../../src/store/neo4j/index.js';
import type { DramaStore, StoreKind } from '../../src/store/port.js';

export interface StoreHandle {
  store: DramaStore;
  dispose(): Promise<void>;
}

export interface StoreFactory {
  kind: StoreKind;
  available: boolean;
  unavailableReason?: string;
  open(): Promise<StoreHandle>;
}

const embedded: StoreFactory = {
  kind: 'embedded',
  available: true,
  async open() {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'drama-graph-contract-'));
    const store = await openEmbeddedStore({ dataDir });
    return {
      store,
      async dispose() {
        await store.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  },
};

function neo4jFactory(): StoreFactory {
  const config = inject('neo4j');
  return {
    kind: 'neo4j',
    available: config !== null,
    unavailableReason: 'no NEO4J_URI and no Java to start a throwaway Neo4j',
    async open() {
      if (config === null) throw new Error('Neo4j is not available');
      // Generous bounds: the suite runs on busy machines, and no scenario here is about speed.
      const store = await openNeo4jStore({ ...config, transactionTimeoutMs: 120_000, connectionTimeoutMs: 30_000 });
      await store.migrate();
      await store.deleteEverything();
      return { store, dispose: () => store.close() };
    },
  };
}

export function storeFactories(): StoreFactory[] {
  return [embedded, neo4jFactory()];
}
