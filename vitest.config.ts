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

export default defineConfig({
  resolve,
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    ...oneAtATime,
    ...timeouts,
    reporters: ['default'],
    projects: projectsOf(['tests/**/*.test.ts']),
  },
});
