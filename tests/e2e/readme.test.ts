import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { loadExamples } from '../../src/examples.js';
import { renderReadmeExamples } from '../support/readme.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

it('shows the output the README examples really produce (refresh with `npm run docs:examples`)', async () => {
  expect(await renderReadmeExamples(readme)).toBe(readme);
});

it('shows every example operation that GraphiQL opens with', () => {
  for (const example of loadExamples()) expect(readme).toContain(`<!-- example: ${example.name} -->`);
});
