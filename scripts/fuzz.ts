import { spawnSync } from 'node:child_process';
import { parseArgsOrExit, wholeNumberOrExit } from '../src/cli/arguments.js';

/** Runs the schema-aware fuzzer (tests/e2e/schema-fuzz.test.ts) with more cases or another seed than CI's. */
const USAGE = 'npm run fuzz -- [--cases N] [--seed N]';
const { values } = parseArgsOrExit({ options: { cases: { type: 'string' }, seed: { type: 'string' } } }, USAGE);
const cases = wholeNumberOrExit('cases', values.cases, { fallback: 10_000, min: 1, usage: USAGE });
const env = {
  ...process.env,
  FUZZ_CASES: String(cases),
  ...(values.seed === undefined
    ? {}
    : { FUZZ_SEED: String(wholeNumberOrExit('seed', values.seed, { fallback: 0, min: 0, usage: USAGE })) }),
};
const run = spawnSync('npx', ['vitest', 'run', 'tests/e2e/schema-fuzz.test.ts'], { env, stdio: 'inherit' });
process.exitCode = run.status ?? 1;
