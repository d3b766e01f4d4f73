import { describe, expect, inject, it } from 'vitest';
import { Neo4jConnection } from '../../src/store/neo4j/connection.js';

const config = inject('neo4j');

describe.skipIf(config === null)('a Neo4j query that runs past its transaction timeout', () => {
  it('fails with STORE_TIMEOUT, not a masked internal error', async () => {
    const connection = new Neo4jConnection({ ...config!, transactionTimeoutMs: 50 });
    try {
      const slow = connection.read('// name: slowCount\nUNWIND range(1, $n) AS x WITH x WHERE x % 7 = 0 RETURN count(x) AS n', { n: 200_000_000 });
      await expect(slow).rejects.toMatchObject({ name: 'GraphQLError', extensions: { code: 'STORE_TIMEOUT', store: 'neo4j' } });
    } finally {
      await connection.close();
    }
  });
});
