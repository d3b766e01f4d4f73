import { readFile } from 'node:fs/promises';
import { type BenchResults, printSummary, writeResults } from './report.js';
import { evaluateTargets } from './targets.js';

/*
 * Merges the results of several runs (say the embedded store at 1,000 series and Neo4j at 100) into
 * bench/results/<date>.json and .md, with the targets evaluated over all of them.
 *   npm run bench:merge -- bench/results/A.json bench/results/B.json
 */
const runs = await Promise.all(
  process.argv.slice(2).map(async (file) => JSON.parse(await readFile(file, 'utf8')) as BenchResults),
);
if (runs.length === 0) throw new Error('name the results files to merge');
const nonStore = runs.find((r) => r.nonStore)?.nonStore ?? null;
const merged: BenchResults = {
  ...runs[0]!,
  options: { merged: runs.map((r) => r.options) },
  keys: runs.map((r) => r.keys),
  cells: runs.flatMap((r) => r.cells),
  roundTrips: runs.flatMap((r) => r.roundTrips),
  memory: runs.flatMap((r) => r.memory),
  loads: runs.flatMap((r) => r.loads),
  transfers: runs.flatMap((r) => r.transfers ?? []),
  nonStore,
  targets: evaluateTargets(
    runs.flatMap((r) => r.cells),
    runs.flatMap((r) => r.roundTrips),
    nonStore,
    runs.flatMap((r) => r.memory),
  ),
  failure:
    runs
      .map((r) => r.failure)
      .filter(Boolean)
      .join('\n') || null,
};
printSummary(merged);
console.log(`wrote ${(await writeResults(merged, '')).join(' and ')}`);
