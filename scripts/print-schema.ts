import { writeFileSync } from 'node:fs';
import { parseArgsOrExit } from '../src/cli/arguments.js';
import { printedSchema } from '../src/graphql-schema.js';

parseArgsOrExit({ options: {} }, 'npm run schema:print (no arguments: it rewrites schema/schema.graphql)');

const target = new URL('../schema/schema.graphql', import.meta.url);
writeFileSync(target, printedSchema());
console.log(`wrote ${target.pathname}`);
