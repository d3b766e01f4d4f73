import { existsSync } from 'node:fs';
import path from 'node:path';
import { configOrExit, failureLine, parseArgsOrExit, usageError } from '../src/cli/arguments.js';
import { boundMapping, mappedLimitOrExit, mappingLine } from '../src/cli/mapping.js';
import { rateMeter } from '../src/cli/meter.js';
import { exportSeedDirectory } from '../src/seed/export.js';
import { type OpenedStore, openConfiguredStore } from '../src/store/open.js';

const USAGE = 'npm run export -- DIR [--series slug,slug,…]';

const args = parseArgsOrExit({ allowPositionals: true, options: { series: { type: 'string' } } }, USAGE);
if (args.positionals.length !== 1) usageError('give one directory to export into', USAGE);
const dir = path.resolve(args.positionals[0]!);
const series =
  args.values.series === undefined
    ? null
    : args.values.series
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

if (series !== null && series.length === 0) {
  console.error(
    `--series names no series (got "${args.values.series}"); give slugs separated by commas, or leave it out to export every series\n${USAGE}`,
  );
  process.exit(2);
}

const mappedMb = mappedLimitOrExit(process.env);

const config = configOrExit();
if (!config.neo4j && !existsSync(config.dataDir)) {
  console.error(
    `there is no data directory at ${path.resolve(config.dataDir)} to export from (DATA_DIR); nothing was written`,
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
const meter = rateMeter('exporting');
const started = performance.now();
try {
  console.log(`exporting the ${store.kind} store into ${dir}`);
  const mapping = boundMapping(store, mappedMb);
  const summary = await exportSeedDirectory(store, dir, {
    series,
    afterBatch: () => mapping.afterBatch(),
    onProgress: (p) => meter.update({ done: p.seriesDone, total: p.series, records: p.records }),
  });
  meter.stop();
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `exported in ${seconds.toFixed(1)}s (${Math.round(summary.records / Math.max(seconds, 1e-3))} records/s): ` +
      `${summary.series} series, ${summary.people} people, ${summary.records} records, ${summary.files} files`,
  );
  if (store.kind === 'embedded') console.log(mappingLine(mapping.releases, mappedMb));
} catch (error) {
  meter.stop();
  console.error(failureLine(error));
  process.exitCode = 1;
} finally {
  await store.close();
}
