import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/** The fast loop: tests that need no database and start no Neo4j (no global setup). */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    projects: undefined,
    include: ['tests/unit/**/*.test.ts', 'tests/schema-sdl.test.ts'],
    globalSetup: [],
  },
});
