import { loadConfig } from '../src/config.js';
import { openConfiguredStore } from '../src/store/open.js';

const store = await openConfiguredStore(loadConfig());
try {
  if (!store.migrate) {
    console.log(`the ${store.kind} store keeps its indexes itself; nothing to migrate`);
  } else {
    for (const statement of await store.migrate()) console.log(statement.replace(/\s+/g, ' '));
    console.log('schema is up to date');
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await store.close();
}
