import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

/**
 * Files that need a module graph of their own: they mock modules (`vi.mock`). Every other file shares one module
 * graph with the files before it (`isolate: false`), which saves loading the service's modules again for each.
 */
export const ISOLATED_FILES = ['tests/integration/embedded-on-disk.test.ts', 'tests/unit/auth-constant-time.test.ts'];

const resolve = {
  // graphql 16 ships CJS and ESM builds; Node (and so Yoga) loads the CJS one, and so must the tests,
  // or errors thrown by the schema would not be instances of the GraphQLError that Yoga checks.
  alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }],
};
/** One file at a time: the files share one Neo4j, one Redis and the machine's two cores. */
const oneAtATime = { fileParallelism: false, maxWorkers: 1 };
const timeouts = { testTimeout: 30_000, hookTimeout: 180_000, teardownTimeout: 60_000 };

/** The files of `include` in two projects: those sharing one module graph, and `isolated` (those of ISOLATED_FILES it holds). */
export function projectsOf(include: string[], isolated: string[] = ISOLATED_FILES) {
  return [
    { resolve, test: { name: 'shared', include, exclude: ISOLATED_FILES, isolate: false, ...oneAtATime, ...timeouts } },
    { resolve, test: { name: 'isolated', include: isolated, ...oneAtATime, ...timeouts } },
  ];
}

const TESTS = readdirSync('tests', { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.test.ts'))
  .map((file) => `tests/${file}`)
  .sort();
const using = (pattern: RegExp) => TESTS.filter((file) => pattern.test(readFileSync(file, 'utf8')));

/**
 * Files whose tests each belong to one store (describeEachStore, or tests/support/lines.ts): they run in both
 * projects, each test in its store's.
 */
export const PER_STORE_FILES = using(/from '[./]+\/support\/(?:each-store|lines)\.js'/);
/** Files that reach Neo4j, or compare the stores, by other means: they run whole in the Neo4j project. */
export const NEO4J_FILES = using(/\bstoreFactories\b|\binject\(\s*'neo4j'/).filter(
  (file) => !PER_STORE_FILES.includes(file),
);

/**
 * The suite in two lines, each one file at a time: only the `neo4j` line reaches Neo4j (its files share one
 * database), and every per-store file runs its embedded scenarios in the `embedded` line (TEST_STORES, read by
 * describeEachStore). `npm test` (scripts/test.mjs) runs the lines side by side, one vitest process each;
 * `npx vitest run` runs them one after the other.
 */
function suiteProjects() {
  const separate = (name: string, include: string[], stores: string) => ({
    resolve,
    test: {
      name,
      include,
      exclude: ISOLATED_FILES,
      isolate: false,
      env: { TEST_STORES: stores },
      ...oneAtATime,
      ...timeouts,
    },
  });
  return [
    separate('neo4j', [...PER_STORE_FILES, ...NEO4J_FILES], 'neo4j'),
    separate(
      'embedded',
      TESTS.filter((file) => !NEO4J_FILES.includes(file)),
      'embedded',
    ),
    { resolve, test: { name: 'isolated', include: ISOLATED_FILES, ...oneAtATime, ...timeouts } },
  ];
}

export default defineConfig({
  resolve,
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    ...oneAtATime,
    ...timeouts,
    reporters: ['default'],
    projects: suiteProjects(),
  },
});
