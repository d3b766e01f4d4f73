import { existsSync } from 'node:fs';
import { configOrExit, failureLine, parseArgsOrExit } from '../src/cli/arguments.js';
import { type OpenedStore, openConfiguredStore } from '../src/store/open.js';

parseArgsOrExit({ options: {} }, 'npm run migrate (no arguments: NEO4J_URI or DATA_DIR says which store)');
const config = configOrExit();
if (config.neo4j === null && !existsSync(config.dataDir)) {
  console.error(
    `DATA_DIR ${config.dataDir} does not exist: there is nothing to migrate (a writer creates a new store there)`,
  );
  process.exit(1);
}
let store: OpenedStore;
try {
  store = await openConfiguredStore(config, { forImport: true });
} catch (error) {
  console.error(failureLine(error));
  process.exit(1);
}
try {
  if (!store.migrate) {
    // A directory migrated from format 3 has every summary due: keep them now, not in the service's background.
    await store.settleSummaries?.();
    console.log(`the ${store.kind} store migrates its layout as a writer opens it: the layout is up to date`);
  } else {
    for (const statement of await store.migrate()) console.log(statement.replace(/\s+/g, ' '));
    console.log('schema is up to date');
  }
} catch (error) {
  console.error(failureLine(error));
  process.exitCode = 1;
} finally {
  await store.close();
}
