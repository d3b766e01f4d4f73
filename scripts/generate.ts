import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultOutDir, writeCatalogue } from '../src/generate/write.js';

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  const number = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
  return number;
}

const { values } = parseArgs({
  options: {
    series: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
  },
  strict: true,
});

const series = positiveInteger('series', values.series, 10);
const seed = positiveInteger('seed', values.seed, 1);
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
});
const elapsed = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `done in ${elapsed}s: ${summary.files} files, ${(summary.bytes / 1e6).toFixed(1)} MB; ` +
    `${summary.people} people, ${summary.series} series, ${summary.episodes} episodes, ` +
    `${summary.characters} characters, ${summary.relationships} relationships, ${summary.events} events`,
);
