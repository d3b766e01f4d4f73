import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { printedSchema } from '../src/graphql-schema.js';

it('schema/schema.graphql is the printed, sorted schema (run `npm run schema:print` after changing it)', () => {
  const committed = readFileSync(new URL('../schema/schema.graphql', import.meta.url), 'utf8');
  expect(printedSchema()).toBe(committed);
});
