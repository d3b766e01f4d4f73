import { execFileSync, spawnSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';

export interface Neo4jConnection {
  uri: string;
  user: string;
  password: string;
  database: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    neo4j: Neo4jConnection | null;
    /** redis://… of a throwaway Redis, or REDIS_TEST_URL; null only outside CI without redis-server */
    redis: string | null;
  }
}

const hasJava = () => {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
    execFileSync('mvn', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

function fromEnvironment(): Neo4jConnection | null {
  const uri = process.env.NEO4J_URI;
  if (!uri) return null;
  return {
    uri,
    user: process.env.NEO4J_USER ?? 'neo4j',
    password: process.env.NEO4J_PASSWORD ?? '',
    database: process.env.NEO4J_DATABASE ?? 'neo4j',
  };
}

/** REDIS_TEST_URL, else a throwaway redis-server; in CI a missing redis-server fails the run. */
async function provideRedis(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (process.env.REDIS_TEST_URL) {
    project.provide('redis', process.env.REDIS_TEST_URL);
    return undefined;
  }
  const { startRedis } = await import('../../scripts/redis.mjs');
  try {
    const server = await startRedis();
    project.provide('redis', server.url);
    return () => server.stop();
  } catch (e) {
    if (process.env.CI === 'true') throw e;
    console.warn(`\n\n*** REDIS TESTS FAIL: ${(e as Error).message} ***\n\n`);
    project.provide('redis', null);
    return undefined;
  }
}

/** Compiles dist/ when stale (scripts/ensure-dist.mjs): the tests start the server as `npm start` does, from it. */
function buildDist(): void {
  const root = new URL('../..', import.meta.url).pathname;
  const build = spawnSync(process.execPath, ['scripts/ensure-dist.mjs'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
}

/** Gives the suite the built server, and real servers: NEO4J_URI, else a throwaway local Neo4j; and a throwaway Redis. */
export default async function setup(project: TestProject) {
  // scripts/test.mjs compiled it once for both of its lines.
  if (process.env.TEST_DIST_BUILT !== '1') buildDist();
  const stopRedis = await provideRedis(project);
  const neo4j = await provideNeo4j(project);
  return async () => {
    await neo4j?.();
    await stopRedis?.();
  };
}

async function provideNeo4j(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  // The embedded line of `npm test` (scripts/test.mjs): none of its files reaches Neo4j.
  if (process.env.TEST_NEO4J === 'none') {
    project.provide('neo4j', null);
    return undefined;
  }
  const configured = fromEnvironment();
  if (configured) {
    project.provide('neo4j', configured);
    return undefined;
  }
  if (!hasJava()) {
    if (process.env.CI === 'true') throw new Error('CI needs Neo4j: set NEO4J_URI or install a JDK and Maven.');
    console.warn('\n\n*** NEO4J TESTS SKIPPED: no NEO4J_URI, and no java/mvn to start a throwaway Neo4j. ***\n\n');
    project.provide('neo4j', null);
    return undefined;
  }
  const { startNeo4j } = await import('../../scripts/neo4j.mjs');
  const server = await startNeo4j({ port: 0, quiet: true });
  project.provide('neo4j', { uri: server.uri, user: server.user, password: server.password, database: 'neo4j' });
  return async () => server.stop();
}
