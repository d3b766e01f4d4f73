import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createToken } from '../../src/auth/create-token.js';
import { openNeo4jStore } from '../../src/store/neo4j/index.js';
import { redisUrl } from './redis.js';
import { type RunningServer, startServerProcess, stopServerProcess } from './server-process.js';

/** Replicas of the service over the suite's Neo4j and Redis, each a process of its own (see feed-replicas.test.ts). */
export interface FeedReplicas {
  /** Env every replica shares: the same Neo4j and Redis, a channel and key prefix of this test's own. */
  env: Record<string, string>;
  /** The admin token's secret, for writes. */
  adminBearer: { authorization: string };
  start(extra?: Record<string, string>): Promise<RunningServer>;
  /** Stops every replica still running (SIGKILL: the test is over). */
  stopAll(): Promise<void>;
}

/** Not yet exited (a process killed by a signal has a signalCode and no exitCode). */
export const isRunning = (server: RunningServer): boolean =>
  server.child.exitCode === null && server.child.signalCode === null;

/** Empties the suite's Neo4j (migrated) and prepares env for replicas that share it and Redis. */
export async function feedReplicas(): Promise<FeedReplicas> {
  const neo4j = inject('neo4j');
  if (neo4j === null) throw new Error('these tests need Neo4j');
  const store = await openNeo4jStore({ ...neo4j, transactionTimeoutMs: 120_000, connectionTimeoutMs: 30_000 });
  try {
    await store.migrate();
    await store.deleteEverything();
  } finally {
    await store.close();
  }
  const admin = createToken('admin', ['admin']);
  const run = randomUUID().slice(0, 8);
  const env = {
    NEO4J_URI: neo4j.uri,
    NEO4J_USER: neo4j.user,
    NEO4J_PASSWORD: neo4j.password,
    NEO4J_DATABASE: neo4j.database,
    SEED_ON_START: 'false',
    WARM_RECOMMENDATIONS: 'false',
    REDIS_URL: redisUrl(),
    REDIS_KEY_PREFIX: `feed-test-${run}:`,
    DRAMA_TOKENS: JSON.stringify([admin.entry]),
  };
  const running: RunningServer[] = [];
  return {
    env,
    adminBearer: { authorization: `Bearer ${admin.token}` },
    async start(extra = {}) {
      const server = await startServerProcess({ ...env, ...extra }, 120_000);
      running.push(server);
      return server;
    },
    async stopAll() {
      await Promise.all(running.filter(isRunning).map((server) => stopServerProcess(server, 'SIGKILL')));
    },
  };
}
