import { readFileSync, writeFileSync } from 'node:fs';
import { renderReadmeExamples } from '../tests/support/readme.js';

const readme = new URL('../README.md', import.meta.url);
writeFileSync(readme, await renderReadmeExamples(readFileSync(readme, 'utf8')));
console.log('README examples refreshed from the seeded service');
