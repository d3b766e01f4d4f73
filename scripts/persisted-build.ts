import { writeFileSync } from 'node:fs';
import { buildPersistedOperations, renderPersistedOperations } from '../src/config/persisted-operations.js';
import { PERSISTED_OPERATIONS_FILE } from '../src/config/settings.js';
import { loadExamples } from '../src/examples.js';

const operations = buildPersistedOperations(loadExamples());
writeFileSync(PERSISTED_OPERATIONS_FILE, renderPersistedOperations(operations));
console.log(`${Object.keys(operations).length} persisted operations written to ${PERSISTED_OPERATIONS_FILE}`);
