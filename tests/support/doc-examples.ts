import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadExamples } from '../../src/examples.js';
import { openEmbeddedStore } from '../../src/store/embedded/index.js';
import { createDramaYoga, type DramaYoga } from '../../src/yoga.js';
import { graphql } from './graphql.js';
import { seed } from './seeded.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** `<!-- example: NAME -->`: examples/NAME.graphql and its output, pretty-printed. */
const EXAMPLE = /<!-- example: ([\w-]+) -->\n[\s\S]*?<!-- \/example -->/g;
/** `<!-- query-with-answer -->`: the operation written in the page itself and its output, one small object a line. */
const QUERY = /<!-- query-with-answer -->\n```graphql\n([\s\S]*?)```\n[\s\S]*?<!-- \/query-with-answer -->/g;

/** The pages whose examples are generated: README.md and docs/*.md, as paths relative to the repository. */
export function pagesWithExamples(): string[] {
  const docs = readdirSync(path.join(ROOT, 'docs'))
    .filter((file) => file.endsWith('.md'))
    .sort();
  return ['README.md', ...docs.map((file) => `docs/${file}`)];
}

export function readPage(page: string): string {
  return readFileSync(path.join(ROOT, page), 'utf8');
}

/** Runs every example in `pages` on a freshly seeded store and returns each page with the real outputs written in. */
export async function renderDocExamples(pages: Record<string, string>): Promise<Record<string, string>> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'drama-graph-docs-'));
  const store = await openEmbeddedStore({ dataDir });
  try {
    await seed(store);
    const yoga = createDramaYoga({ store, graphiql: false });
    const examples = new Map(loadExamples().map((example) => [example.name, example.document.trim()]));
    const rendered: Record<string, string> = {};
    for (const [page, text] of Object.entries(pages)) rendered[page] = await renderPage(yoga, examples, page, text);
    return rendered;
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function renderPage(yoga: DramaYoga, examples: Map<string, string>, page: string, text: string): Promise<string> {
  const answers = new Map<string, string>();
  for (const [block, name] of text.matchAll(EXAMPLE)) {
    const document = examples.get(name!);
    if (!document) throw new Error(`${page} names an example that examples/ lacks: ${name}`);
    answers.set(
      block,
      `<!-- example: ${name} -->\n${fenced('graphql', document)}\n\n${fenced('json', JSON.stringify(await run(yoga, document), null, 2))}\n<!-- /example -->`,
    );
  }
  for (const [block, document] of text.matchAll(QUERY)) {
    const answer = compactJson(await run(yoga, document!));
    answers.set(
      block,
      `<!-- query-with-answer -->\n${fenced('graphql', document!.trimEnd())}\n\n${fenced('json', answer)}\n<!-- /query-with-answer -->`,
    );
  }
  return text.replace(EXAMPLE, (block) => answers.get(block)!).replace(QUERY, (block) => answers.get(block)!);
}

async function run(yoga: DramaYoga, document: string): Promise<unknown> {
  const { status: _status, ...result } = await graphql(yoga, document);
  return result;
}

const fenced = (language: string, body: string) => `\`\`\`${language}\n${body}\n\`\`\``;

/** JSON with two-space indents, except that any object or array that fits within `width` columns stays on one line. */
export function compactJson(value: unknown, width = 110, indent = '', used = 0): string {
  const flat = oneLine(value);
  if (value === null || typeof value !== 'object' || used + flat.length <= width) return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    const items = value.map((item) => inner + compactJson(item, width, inner, inner.length));
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).map(([key, item]) => {
    const head = `${inner}${JSON.stringify(key)}: `;
    return head + compactJson(item, width, inner, head.length);
  });
  return `{\n${entries.join(',\n')}\n${indent}}`;
}

function oneLine(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(oneLine).join(', ')}]`;
  const entries = Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${oneLine(item)}`);
  return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
}
