import { inject } from 'vitest';
import { type RedisHandle, startRedis } from '../../scripts/redis.mjs';
import { createToken } from '../../src/auth/create-token.js';
import { openNeo4jStore } from '../../src/store/neo4j/index.js';
import { type RunningServer, startServerProcess, stopServerProcess } from './server-process.js';

export interface Replica {
  name: string;
  server: RunningServer;
  /** http://…/graphql */
  url: string;
  /** The value of a /metrics sample, e.g. `redis_up` or `response_cache_lookups_total{result="hit"}`; 0 when absent. */
  metric(sample: string): Promise<number>;
  post(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<Reply>;
}

interface Reply {
  status: number;
  body: any;
}

export interface ReplicaSet {
  a: Replica;
  b: Replica;
  /** A Redis of this set's own, so a test may stop and start it. */
  redis: RedisHandle;
  stop(): Promise<void>;
}

/** Fresh tokens for the replicas' DRAMA_TOKENS; each token is a rate-limit client of its own. */
export function replicaTokens(scopesByName: Record<string, string[]>) {
  const issued = Object.entries(scopesByName).map(([name, scopes]) => createToken(name, scopes));
  const secrets = new Map(issued.map(({ token, entry }) => [entry.name, token]));
  return {
    env: { DRAMA_TOKENS: JSON.stringify(issued.map(({ entry }) => entry)) },
    bearer: (name: string) => ({ authorization: `Bearer ${secrets.get(name)}` }),
  };
}

function replica(name: string, server: RunningServer): Replica {
  const base = server.url.replace(/\/graphql$/, '');
  return {
    name,
    server,
    url: server.url,
    async metric(sample) {
      const text = await (await fetch(`${base}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
      return line === undefined ? 0 : Number(line.slice(sample.length + 1));
    },
    async post(query, variables, headers = {}) {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      return { status: response.status, body };
    },
  };
}

/**
 * Two replicas of the built server (dist/, which the global setup compiles), each its own process, on the suite's
 * Neo4j (emptied, then seeded by the first replica) and a Redis of their own.
 */
export async function startReplicas(env: Record<string, string>): Promise<ReplicaSet> {
  const neo4j = inject('neo4j');
  if (neo4j === null) throw new Error('Replicas need Neo4j: no NEO4J_URI and no Java to start a throwaway one');
  const store = await openNeo4jStore({ ...neo4j, transactionTimeoutMs: 120_000, connectionTimeoutMs: 30_000 });
  try {
    await store.migrate();
    await store.deleteEverything();
  } finally {
    await store.close();
  }
  const redis = await startRedis();
  const common = {
    NEO4J_URI: neo4j.uri,
    NEO4J_USER: neo4j.user,
    NEO4J_PASSWORD: neo4j.password,
    NEO4J_DATABASE: neo4j.database,
    REDIS_URL: redis.url,
    ...env,
  };
  const started: RunningServer[] = [];
  const stop = async () => {
    await Promise.all(started.map((server) => stopServerProcess(server)));
    await redis.stop();
  };
  try {
    // One after the other: the first seeds the empty store, the second finds it seeded.
    started.push(await startServerProcess(common, 120_000));
    started.push(await startServerProcess(common, 120_000));
  } catch (error) {
    await stop();
    throw error;
  }
  return { a: replica('A', started[0]!), b: replica('B', started[1]!), redis, stop };
}
