import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Neo4jConnection } from '../../src/store/neo4j/driver.js';

const config = inject('neo4j');

/** A TCP proxy in front of Neo4j that counts what the client sends: one burst per message group the driver flushes. */
async function countingProxy(target: string) {
  const { hostname, port } = new URL(target);
  let bursts = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('error', () => undefined);
    }
    client.on('data', (chunk) => {
      bursts += 1;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    uri: `bolt://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bursts: () => bursts,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('a Neo4j read', () => {
  let proxy: Awaited<ReturnType<typeof countingProxy>>;
  let connection: Neo4jConnection;

  beforeAll(async () => {
    if (config === null) throw new Error('the global setup started no Neo4j');
    proxy = await countingProxy(config.uri);
    connection = new Neo4jConnection({ ...config, uri: proxy.uri });
    await connection.read('RETURN 1 AS one');
  });

  afterAll(async () => {
    await connection?.close();
    await proxy?.close();
  });

  it('is one exchange with the server: the query and its pull go out together, and no BEGIN or COMMIT follows', async () => {
    const reads = 20;
    const before = proxy.bursts();
    for (let i = 0; i < reads; i++)
      expect(await connection.read('RETURN $i AS i, $text AS text', { i, text: 'ü'.repeat(i) })).toEqual([
        { i, text: 'ü'.repeat(i) },
      ]);
    expect(proxy.bursts() - before).toBe(reads);
    expect(connection.roundTrips).toBe(reads + 1);
  });

  it('still answers a failing query with its error, and the connection serves the next read', async () => {
    await expect(connection.read('RETURN 1 / $zero AS x', { zero: 0 })).rejects.toThrow(/by zero/);
    expect(await connection.read('RETURN 2 AS two')).toEqual([{ two: 2 }]);
  });

  it('keeps the stack trace limit it found, also when the query fails', async () => {
    const limit = Error.stackTraceLimit;
    await expect(connection.read('RETURN 1 / $zero AS x', { zero: 0 })).rejects.toThrow();
    await connection.read('RETURN 1 AS one');
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error('here').stack).toContain('neo4j-read-exchanges.test.ts');
  });
});
