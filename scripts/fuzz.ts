import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

/** Runs the schema-aware fuzzer (tests/e2e/schema-fuzz.test.ts) with more cases or another seed than CI's. */
const { values } = parseArgs({
  options: { cases: { type: 'string', default: '10000' }, seed: { type: 'string' } },
  strict: true,
});
for (const [name, value] of Object.entries(values)) {
  if (value !== undefined && !/^\d+$/.test(value))
    throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
}
const env = {
  ...process.env,
  FUZZ_CASES: values.cases,
  ...(values.seed === undefined ? {} : { FUZZ_SEED: values.seed }),
};
const run = spawnSync('npx', ['vitest', 'run', 'tests/e2e/schema-fuzz.test.ts'], { env, stdio: 'inherit' });
process.exitCode = run.status ?? 1;
