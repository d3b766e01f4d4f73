import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgsOrExit } from '../src/cli/arguments.js';
import { pagesWithExamples, ROOT, readPage, renderDocExamples } from '../tests/support/doc-examples.js';

parseArgsOrExit(
  { options: {} },
  'npm run docs:examples (no arguments: it rewrites the examples in README.md and docs/)',
);

const pages = Object.fromEntries(pagesWithExamples().map((page) => [page, readPage(page)]));
const rendered = await renderDocExamples(pages);
for (const [page, text] of Object.entries(rendered)) {
  if (text === pages[page]) continue;
  writeFileSync(path.join(ROOT, page), text);
  console.log(`refreshed ${page}`);
}
console.log('examples in README.md and docs/ match the seeded service');
