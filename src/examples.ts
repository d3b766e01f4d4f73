import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from './package-root.js';

export interface ExampleOperation {
  name: string;
  document: string;
}

const EXAMPLES_DIR = path.join(PACKAGE_ROOT, 'examples');

/** The example operations in examples/*.graphql: GraphiQL opens with them, docs/examples.md shows their output. */
export function loadExamples(dir: string = EXAMPLES_DIR): ExampleOperation[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => ({ name: file.replace(/\.graphql$/, ''), document: readFileSync(path.join(dir, file), 'utf8') }));
}
