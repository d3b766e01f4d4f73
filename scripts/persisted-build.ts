import { writeFileSync } from 'node:fs';
import { parseArgsOrExit } from '../src/cli/arguments.js';
import { PERSISTED_OPERATIONS_FILE } from '../src/config/settings.js';
import { loadExamples } from '../src/examples.js';
import { APOLLO_MANIFEST_FILE, buildApolloManifest, buildCommittedList, renderJson } from './persisted-lists.js';

parseArgsOrExit(
  { options: {} },
  'npm run persisted:build (no arguments: it rewrites the persisted-operation lists from examples/)',
);

const examples = loadExamples();
const operations = buildCommittedList(examples);
writeFileSync(PERSISTED_OPERATIONS_FILE, renderJson(operations));
console.log(`${Object.keys(operations).length} persisted operations written to ${PERSISTED_OPERATIONS_FILE}`);
const manifest = buildApolloManifest(examples);
writeFileSync(APOLLO_MANIFEST_FILE, renderJson(manifest));
console.log(`${manifest.operations.length} operations written to the Apollo manifest ${APOLLO_MANIFEST_FILE}`);
