import { writeFileSync } from 'node:fs';
import { printedSchema } from '../src/graphql-schema.js';

const target = new URL('../schema/schema.graphql', import.meta.url);
writeFileSync(target, printedSchema());
console.log(`wrote ${target.pathname}`);
