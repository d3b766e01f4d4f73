import { type AddressInfo, createServer } from 'node:net';
import neo4j from 'neo4j-driver';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { type Neo4jHandle, startNeo4j } from '../../scripts/neo4j.mjs';

/** 127.0.0.2 is loopback too, but a server bound to 127.0.0.1 does not accept it. */
const OTHER_LOOPBACK = '127.0.0.2';
const START_TIMEOUT_MS = 240_000;

async function routers(uri: string, address: string): Promise<string[]> {
  const driver = neo4j.driver(uri, neo4j.auth.basic('neo4j', ''));
  try {
    const { records } = await driver.executeQuery("CALL dbms.routing.getRoutingTable({ address: $address }, 'neo4j')", {
      address,
    });
    const servers = records[0]!.get('servers') as { addresses: string[] }[];
    return [...new Set(servers.flatMap((server) => server.addresses))];
  } finally {
    await driver.close();
  }
}

async function answers(uri: string): Promise<number> {
  const driver = neo4j.driver(uri, neo4j.auth.basic('neo4j', ''), { connectionTimeout: 10_000 });
  try {
    const { records } = await driver.executeQuery('RETURN 41 + 1 AS n');
    return (records[0]!.get('n') as { toNumber(): number }).toNumber();
  } finally {
    await driver.close();
  }
}

// The Neo4j stand-in image (scripts/docker-stand-in-images.sh) listens on 0.0.0.0 this way.
describe('the Neo4j launcher listen address', () => {
  const servers: Neo4jHandle[] = [];
  afterAll(async () => {
    for (const server of servers) await server.stop();
  }, START_TIMEOUT_MS);

  it('is 127.0.0.1 by default: the suite server refuses another loopback address', async () => {
    const suite = inject('neo4j');
    if (!suite) throw new Error('the suite has no Neo4j');
    const port = new URL(suite.uri).port;
    const driver = neo4j.driver(`bolt://${OTHER_LOOPBACK}:${port}`, neo4j.auth.basic(suite.user, suite.password), {
      connectionTimeout: 10_000,
    });
    try {
      await expect(driver.verifyConnectivity()).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await driver.close();
    }
  });

  it(
    'is NEO4J_LISTEN_ADDRESS when set, with routing tables naming the address each client used',
    async () => {
      const server = await startNeo4j({ password: '', quiet: true, listenAddress: '0.0.0.0' });
      servers.push(server);
      const other = `${OTHER_LOOPBACK}:${server.port}`;
      expect(await answers(`neo4j://${other}`)).toBe(42);
      expect(await answers(server.routingUri)).toBe(42);
      expect(await routers(server.uri, other)).toEqual([other]);
    },
    START_TIMEOUT_MS,
  );

  it('on every address, refuses a port another loopback address holds before it starts the JVM', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, OTHER_LOOPBACK, resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      await expect(startNeo4j({ password: '', quiet: true, listenAddress: '0.0.0.0', port })).rejects.toThrow(
        `Port ${port} on 0.0.0.0 is already in use`,
      );
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});
