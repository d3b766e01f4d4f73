import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { Neo4jError } from 'neo4j-driver';
import { describe, expect, inject, it } from 'vitest';
import { Neo4jConnection, type WriteTx } from '../../src/store/neo4j/driver.js';

const config = inject('neo4j');

describe.skipIf(config === null)('a Neo4j query that runs past its transaction timeout', () => {
  it('fails with STORE_TIMEOUT, not a masked internal error', async () => {
    const connection = new Neo4jConnection({ ...config!, transactionTimeoutMs: 50 });
    try {
      const slow = connection.read(
        '// name: slowCount\nUNWIND range(1, $n) AS x WITH x WHERE x % 7 = 0 RETURN count(x) AS n',
        { n: 200_000_000 },
      );
      await expect(slow).rejects.toMatchObject({
        name: 'GraphQLError',
        extensions: { code: 'STORE_TIMEOUT', store: 'neo4j' },
      });
    } finally {
      await connection.close();
    }
  });
});

describe.skipIf(config === null)('a Neo4j read whose signal aborts (the execution budget answered its request)', () => {
  const marker = 'name: endlessPairs';
  const running = async (observer: Neo4jConnection) => {
    const [row] = await observer.read(
      'SHOW TRANSACTIONS YIELD currentQuery WHERE currentQuery CONTAINS $marker RETURN count(*) AS n',
      { marker },
    );
    return Number(row!.n);
  };
  const until = async (observer: Neo4jConnection, wanted: (n: number) => boolean) => {
    for (let i = 0; i < 600; i += 1) {
      const n = await running(observer);
      if (wanted(n)) return n;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return running(observer);
  };

  it('rejects with the signal’s reason and ends the query on the server, not at the transaction timeout', async () => {
    const connection = new Neo4jConnection({ ...config!, transactionTimeoutMs: 3_600_000 });
    const observer = new Neo4jConnection({ ...config! });
    const answered = new AbortController();
    const reason = new Error('the operation has been answered');
    try {
      // Ten billion rows: hours of work unless something ends it.
      const endless = connection.read(
        `// ${marker}\nUNWIND range(1, $n) AS a UNWIND range(1, $n) AS b WITH a, b WHERE (a + b) % 7 = 0 RETURN count(*) AS n`,
        { n: 100_000 },
        answered.signal,
      );
      endless.catch(() => undefined);
      expect(await until(observer, (n) => n > 0)).toBe(1);
      answered.abort(reason);
      await expect(endless).rejects.toBe(reason);
      expect(await until(observer, (n) => n === 0)).toBe(0);
      // The connection is reset and pooled again: the next read answers.
      expect(await connection.read('RETURN 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await connection.close();
      await observer.close();
    }
  });

  it('does not start a read whose signal has already aborted', async () => {
    const connection = new Neo4jConnection({ ...config! });
    const answered = new AbortController();
    const reason = new Error('answered before it started');
    answered.abort(reason);
    try {
      await expect(connection.read('RETURN 1 AS one', {}, answered.signal)).rejects.toBe(reason);
      expect(connection.attempts).toBe(0);
    } finally {
      await connection.close();
    }
  });
});

describe.skipIf(config === null)('a schema statement whose rule another process created meanwhile', () => {
  it('counts as already there (two replicas starting at once on a fresh Neo4j), and other schema errors still throw', async () => {
    const connection = new Neo4jConnection({ ...config! });
    // Without IF NOT EXISTS the second statement meets the rule the first made, as a racing replica's does.
    const create = '// name: raceIndex\nCREATE INDEX race_probe FOR (n:RaceProbe) ON (n.key)';
    try {
      expect(await connection.schema(create)).toBe(true);
      expect(await connection.schema(create)).toBe(false);
      await expect(connection.schema('CREATE INDEX race_probe_broken FOR (n:RaceProbe) ON ()')).rejects.toMatchObject({
        code: 'Neo.ClientError.Statement.SyntaxError',
      });
    } finally {
      await connection.schema('DROP INDEX race_probe IF EXISTS').catch(() => undefined);
      await connection.close();
    }
  });
});

/** A port that accepts connections and drops them at once, counting them: a Neo4j that went away. */
async function droppingPort(): Promise<{ uri: string; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    uri: `bolt://127.0.0.1:${port}`,
    connections: () => connections,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('a Neo4j that drops or refuses every connection', () => {
  const unavailable = { name: 'GraphQLError', extensions: { code: 'STORE_UNAVAILABLE', store: 'neo4j' } };

  it('fails with STORE_UNAVAILABLE after a couple of fresh connections, then without connecting at all until a probe gets through', async () => {
    const port = await droppingPort();
    const connection = new Neo4jConnection({
      uri: port.uri,
      user: 'neo4j',
      password: 'x',
      database: 'neo4j',
      probeIntervalMs: 3_600_000,
    });
    try {
      await expect(connection.read('RETURN 1')).rejects.toMatchObject(unavailable);
      expect(port.connections()).toBeLessThanOrEqual(3);
      expect(connection.attempts).toBeLessThanOrEqual(3);
      expect(connection.unreachable).toBe(true);
      const [attempts, connections] = [connection.attempts, port.connections()];
      for (let i = 0; i < 10; i++) {
        await expect(connection.read('RETURN 1')).rejects.toMatchObject(unavailable);
        await expect(connection.writeTransaction((tx) => tx.run('RETURN 1', {}))).rejects.toMatchObject(unavailable);
      }
      expect([connection.attempts, port.connections()]).toEqual([attempts, connections]);
    } finally {
      await connection.close();
      await port.close();
    }
  });

  it('fails a refused connection the same way', async () => {
    const port = await droppingPort();
    const uri = port.uri;
    await port.close();
    const connection = new Neo4jConnection({
      uri,
      user: 'neo4j',
      password: 'x',
      database: 'neo4j',
      probeIntervalMs: 3_600_000,
    });
    try {
      await expect(connection.read('RETURN 1')).rejects.toMatchObject(unavailable);
      const attempts = connection.attempts;
      expect(attempts).toBeLessThanOrEqual(3);
      await expect(connection.bookmark('RETURN 1')).rejects.toMatchObject(unavailable);
      expect(connection.attempts).toBe(attempts);
    } finally {
      await connection.close();
    }
  });
});

describe.skipIf(config === null)('a Neo4j transaction that meets a passing error', () => {
  const failingOnce = (code: string) => {
    let calls = 0;
    const work = async (tx: WriteTx) => {
      calls += 1;
      if (calls === 1)
        throw new Neo4jError(`made up: ${code}`, code, '50N42', 'made up', {
          OPERATION: '',
          OPERATION_CODE: '0',
          CURRENT_SCHEMA: '/',
        });
      return tx.run('RETURN 1 AS one', {});
    };
    return { work, calls: () => calls };
  };

  it.each([
    ['a deadlock', 'Neo.TransientError.Transaction.DeadlockDetected'],
    ['a database still starting', 'Neo.TransientError.General.DatabaseUnavailable'],
    ['a pooled connection lost with a restart', 'ServiceUnavailable'],
    ['an expired session', 'SessionExpired'],
  ])('retries %s and succeeds, with the breaker closed', async (_name, code) => {
    const connection = new Neo4jConnection({ ...config!, probeIntervalMs: 3_600_000 });
    try {
      const once = failingOnce(code);
      expect(await connection.writeTransaction(once.work)).toEqual([{ one: 1 }]);
      expect(once.calls()).toBe(2);
      expect(connection.unreachable).toBe(false);
    } finally {
      await connection.close();
    }
  });
});
