import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadExamples } from '../../src/examples.js';
import { openEmbeddedStore } from '../../src/store/embedded/index.js';
import { createDramaYoga } from '../../src/yoga.js';
import { graphql } from './graphql.js';
import { seed } from './seeded.js';

const BLOCK = /<!-- example: ([\w-]+) -->\n[\s\S]*?<!-- \/example -->/g;

/** Runs each example operation named in the README on a freshly seeded store and writes its real output there. */
export async function renderReadmeExamples(readme: string): Promise<string> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'drama-graph-readme-'));
  const store = await openEmbeddedStore({ dataDir });
  try {
    await seed(store);
    const yoga = createDramaYoga({ store, graphiql: false });
    const outputs = new Map<string, string>();
    for (const example of loadExamples()) {
      const { status: _status, ...result } = await graphql(yoga, example.document);
      const body = example.document.trim();
      outputs.set(
        example.name,
        `\`\`\`graphql\n${body}\n\`\`\`\n\n\`\`\`json\n${JSON.stringify(result, null, 2)}\n\`\`\``,
      );
    }
    return readme.replace(BLOCK, (_block, name: string) => {
      const output = outputs.get(name);
      if (!output) throw new Error(`README names an example that examples/ lacks: ${name}`);
      return `<!-- example: ${name} -->\n${output}\n<!-- /example -->`;
    });
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
