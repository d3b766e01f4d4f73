import { execFileSync } from 'node:child_process';
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

/** Gives the Neo4j half of the suite a real server: NEO4J_URI, else a throwaway local Neo4j. */
export default async function setup(project: TestProject) {
  const configured = fromEnvironment();
  if (configured) {
    project.provide('neo4j', configured);
    return;
  }
  if (!hasJava()) {
    if (process.env.CI === 'true') throw new Error('CI needs Neo4j: set NEO4J_URI or install a JDK and Maven.');
    console.warn('\n\n*** NEO4J TESTS SKIPPED: no NEO4J_URI, and no java/mvn to start a throwaway Neo4j. ***\n\n');
    project.provide('neo4j', null);
    return;
  }
  const { startNeo4j } = await import('../../scripts/neo4j.mjs');
  const server = await startNeo4j({ port: 0, quiet: true });
  project.provide('neo4j', { uri: server.uri, user: server.user, password: server.password, database: 'neo4j' });
  return async () => server.stop();
}
