import path from 'node:path';
import { parseArgsOrExit, wholeNumberOrExit } from '../src/cli/arguments.js';
import { defaultOutDir, writeCatalogue } from '../src/generate/write.js';

const USAGE = 'npm run generate -- [--series N] [--seed N] [--out DIR]';
const { values } = parseArgsOrExit(
  { options: { series: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } } },
  USAGE,
);
/** Its people (12 a series) are held in memory while it writes: 100,000 series make 1.2 million. */
const MOST_SERIES = 100_000;
const series = wholeNumberOrExit('series', values.series, { fallback: 10, min: 1, max: MOST_SERIES, usage: USAGE });
const seed = wholeNumberOrExit('seed', values.seed, { fallback: 1, min: 0, usage: USAGE });
const out = path.resolve(values.out ?? defaultOutDir(series, seed));
const started = performance.now();
const interactive = process.stdout.isTTY === true;
let lastPercent = -1;

console.log(`generating ${series} series (seed ${seed}) into ${out}`);
const summary = await writeCatalogue({ series, seed, out }, ({ done, total }) => {
  const percent = Math.floor((done / total) * 100);
  if (percent === lastPercent && done !== total) return;
  lastPercent = percent;
  const line = `  ${String(done).padStart(String(total).length)} / ${total} series (${percent}%)`;
  if (interactive) process.stdout.write(`\r${line}${done === total ? '\n' : ''}`);
  else if (percent % 10 === 0) console.log(line);
}).catch((error: unknown) => {
  console.error(`could not write the catalogue into ${out}: ${(error as Error).message}`);
  process.exit(1);
});
const elapsed = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `done in ${elapsed}s: ${summary.files} files, ${(summary.bytes / 1e6).toFixed(1)} MB; ` +
    `${summary.people} people, ${summary.series} series, ${summary.episodes} episodes, ` +
    `${summary.characters} characters, ${summary.relationships} relationships, ${summary.events} events`,
);
