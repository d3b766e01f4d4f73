import { writeFileSync } from 'node:fs';
import { loadExamples } from '../src/examples.js';
import { PERSISTED_OPERATIONS_FILE } from '../src/config/settings.js';
import { buildPersistedOperations, renderPersistedOperations } from '../src/config/persisted-operations.js';

const operations = buildPersistedOperations(loadExamples());
writeFileSync(PERSISTED_OPERATIONS_FILE, renderPersistedOperations(operations));
console.log(`${Object.keys(operations).length} persisted operations written to ${PERSISTED_OPERATIONS_FILE}`);
