import { expect, it } from 'vitest';
import { loadExamples } from '../../src/examples.js';
import { compactJson, pagesWithExamples, readPage, renderDocExamples } from '../support/doc-examples.js';

const pages = Object.fromEntries(pagesWithExamples().map((page) => [page, readPage(page)]));

it('shows the output the examples in README.md and docs/ really produce (refresh with `npm run docs:examples`)', async () => {
  const rendered = await renderDocExamples(pages);
  for (const page of Object.keys(pages)) expect(rendered[page], page).toBe(pages[page]);
});

it('shows every example operation that GraphiQL opens with in docs/examples.md', () => {
  const examples = loadExamples();
  expect(examples.length).toBeGreaterThan(0);
  for (const example of examples) expect(pages['docs/examples.md']).toContain(`<!-- example: ${example.name} -->`);
});

it('refuses a page that names an example examples/ lacks', async () => {
  await expect(renderDocExamples({ 'x.md': '<!-- example: no-such-example -->\n<!-- /example -->\n' })).rejects.toThrow(
    'x.md names an example that examples/ lacks: no-such-example',
  );
});

it('answers the example on the front page', () => {
  expect(pages['README.md']).toMatch(/<!-- query-with-answer -->\n```graphql\n[\s\S]+?```\n\n```json\n\{\n {2}"data"/);
});

it('keeps compact JSON the same value, on one line where it fits and expanded where it does not', () => {
  const value = {
    data: {
      list: [
        { a: 1, b: 'x' },
        { a: 2, b: 'y'.repeat(120) },
      ],
      empty: [],
      none: null,
      text: '"\u2028',
    },
  };
  const text = compactJson(value);
  expect(JSON.parse(text)).toEqual(value);
  expect(text).toContain('{ "a": 1, "b": "x" }');
  expect(text.split('\n').filter((line) => line.length > 110)).toEqual([`        "b": "${'y'.repeat(120)}"`]);
  expect(compactJson(JSON.parse('{"__proto__":{"x":[]},"":{}}'))).toBe('{ "__proto__": { "x": [] }, "": {} }');
});
