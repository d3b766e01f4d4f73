import { defineConfig } from 'vitest/config';
import base, { ISOLATED_FILES, projectsOf } from './vitest.config.js';

/** The fast loop: tests that need no database and start no Neo4j (no global setup). */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    projects: projectsOf(
      ['tests/unit/**/*.test.ts', 'tests/schema-sdl.test.ts'],
      ISOLATED_FILES.filter((file) => file.startsWith('tests/unit/')),
    ),
    globalSetup: [],
  },
});
