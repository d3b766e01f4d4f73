import { stat } from 'node:fs/promises';
import path from 'node:path';
import { configOrExit, failureLine, parseArgsOrExit, wholeNumberOrExit } from '../src/cli/arguments.js';
import { boundMapping, mappedLimitOrExit, mappingLine } from '../src/cli/mapping.js';
import { type RateMeter, rateMeter } from '../src/cli/meter.js';
import { SeedValidationError } from '../src/errors.js';
import { DEFAULT_SEED_DIR } from '../src/seed/load.js';
import { MAX_FILE_BYTES } from '../src/seed/read.js';
import { BATCH_RECORDS, EMBEDDED_BATCH_RECORDS, importSeedDirectory, PartlyWrittenError } from '../src/seed/stream.js';
import { type OpenedStore, openConfiguredStore } from '../src/store/open.js';

const USAGE = 'npm run import -- [DIR] [--keep-going] [--batch-records N] [--max-file-bytes N]';

const positive = (name: string, text: string | undefined, fallback: number) =>
  wholeNumberOrExit(name, text, { fallback, min: 1, usage: USAGE });

const args = parseArgsOrExit(
  {
    allowPositionals: true,
    options: {
      'keep-going': { type: 'boolean', default: false },
      'batch-records': { type: 'string' },
      'max-file-bytes': { type: 'string' },
    },
  },
  USAGE,
);
const dir = path.resolve(args.positionals[0] ?? DEFAULT_SEED_DIR);
const keepGoing = args.values['keep-going'] ?? false;
const batchRecordsGiven =
  args.values['batch-records'] === undefined ? null : positive('batch-records', args.values['batch-records'], 1);
const maxFileBytes = positive('max-file-bytes', args.values['max-file-bytes'], MAX_FILE_BYTES);

/** Test support: after this many batches, stop inside the next batch's write transaction until killed. */
const freezeAfter = Number(process.env.DRAMA_IMPORT_TEST_FREEZE_AFTER_BATCHES ?? Number.NaN);
const freeze = (batch: number) => {
  if (batch !== freezeAfter + 1) return;
  process.stdout.write(`frozen inside batch ${batch}\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
};

const mappedMb = mappedLimitOrExit(process.env);

const config = configOrExit();
const source = await stat(dir).catch(() => null);
if (!source?.isDirectory()) {
  console.error(`${dir} is not a directory to import from; nothing was written`);
  process.exit(1);
}
let store: OpenedStore;
try {
  store = await openConfiguredStore(config, { forImport: true });
} catch (error) {
  console.error(failureLine(error));
  process.exit(1);
}
let meter: RateMeter | undefined;
try {
  await store.migrate?.();
  console.log(`importing ${dir} into the ${store.kind} store`);
  const started = performance.now();
  meter = rateMeter('importing');
  const mapping = boundMapping(store, mappedMb);
  const batchRecords = batchRecordsGiven ?? (store.kind === 'embedded' ? EMBEDDED_BATCH_RECORDS : BATCH_RECORDS);
  const result = await importSeedDirectory(store, dir, {
    batchRecords,
    keepGoing,
    maxFileBytes,
    onProgress: (p) => meter?.update({ done: p.bytesDone, total: p.bytes, records: p.records }),
    onWriteStep: Number.isInteger(freezeAfter) ? freeze : undefined,
    afterBatch: async ({ endsFiles }) => {
      // Once a file is whole, and before the mapping is released: deriving a summary maps the series' pages.
      if (endsFiles) await store.settleSummaries?.();
      await mapping.afterBatch();
    },
  });
  meter.stop();
  const seconds = (performance.now() - started) / 1000;
  const records = Object.values(result.written).reduce((a, b) => a + b, 0);
  console.log(
    `written in ${seconds.toFixed(1)}s (${Math.round(records / Math.max(seconds, 1e-3))} records/s): ${records} records` +
      ` in ${result.batches} batch${result.batches === 1 ? '' : 'es'} of ${batchRecords} records or one file`,
  );
  console.log(result.written);
  console.log('store now holds:', await store.counts());
  if (store.kind === 'embedded') console.log(mappingLine(mapping.releases, mappedMb));
  if (result.rejected.length > 0) {
    const partly = result.rejected.filter((r) => r.partlyWritten);
    console.error(
      `${result.rejected.length} of ${result.files} files skipped (--keep-going), ` +
        (partly.length === 0
          ? 'nothing of them written:'
          : `nothing of them written but part of ${partly.map((r) => r.file).join(', ')} (import again to complete it):`),
    );
    for (const { issues } of result.rejected) console.error(new SeedValidationError(issues).message);
    process.exitCode = 1;
  }
} catch (error) {
  meter?.stop();
  if (error instanceof PartlyWrittenError)
    console.error(
      `${error.message}\nStopped at this file: part of it was written (import it again to complete it), the files before it were.`,
    );
  else if (error instanceof SeedValidationError)
    console.error(`${error.message}\nStopped at this file: nothing of it was written, the files before it were.`);
  else console.error(failureLine(error));
  process.exitCode = 1;
} finally {
  await store.close();
}
