import { Neo4jStore, type Neo4jStoreOptions } from './store.js';

export { MIGRATIONS } from './cypher-write.js';
export type { Neo4jStoreOptions } from './store.js';
export { Neo4jStore } from './store.js';

/** Opens the store without connecting: the first query (or ping) reaches the server. */
export async function openNeo4jStore(options: Neo4jStoreOptions): Promise<Neo4jStore> {
  return new Neo4jStore(options);
}
