import { parseArgs } from 'node:util';
import type { StoreName } from './subjects.js';

export interface BenchOptions {
  series: number;
  /** Seconds per (subject, operation, client count) cell. */
  durationS: number;
  /** Requests per cell at most (0: only the duration bounds it). */
  requests: number;
  stores: StoreName[];
  clients: number[];
  /** Operation numbers to run (1–7). */
  ops: number[];
  quick: boolean;
  /** Appended to the results file names: bench/results/<date>-<label>.json. */
  label: string;
  /** Series counts to measure `npm run import` and `npm run export` at, each into an empty store. */
  importScale: number[];
  /** Measure only import and export, not the operations. */
  transferOnly: boolean;
  /** Seconds of discarded load per (subject, operation) on Neo4j before any subject is measured (0: none). */
  neo4jWarmS: number;
}

const USAGE =
  'npm run bench -- [--series N] [--duration S] [--requests N] [--stores embedded,neo4j] [--clients 1,8,32] [--ops 1,2,3] [--quick] [--label NAME] [--import-scale 100,300,1000] [--transfer-only] [--neo4j-warm S]';

/** A whole or decimal number of seconds; NaN for anything else (refused below). */
const seconds = (text: string) => (/^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN);
const numbers = (text: string) => text.split(',').map((x) => Number(x.trim()));

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      series: { type: 'string' },
      duration: { type: 'string' },
      requests: { type: 'string', default: '0' },
      stores: { type: 'string', default: 'embedded,neo4j' },
      clients: { type: 'string' },
      ops: { type: 'string', default: '1,2,3,4,5,6,7' },
      quick: { type: 'boolean', default: false },
      label: { type: 'string' },
      'import-scale': { type: 'string' },
      'transfer-only': { type: 'boolean', default: false },
      'neo4j-warm': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick ?? false;
  const stores = values.stores!.split(',').map((s) => s.trim());
  if (stores.some((s) => s !== 'embedded' && s !== 'neo4j'))
    throw new Error(`--stores takes embedded and/or neo4j\n${USAGE}`);
  const options: BenchOptions = {
    series: Number(values.series ?? (quick ? 3 : 100)),
    durationS: Number(values.duration ?? (quick ? 0.5 : 3)),
    requests: Number(values.requests),
    stores: stores as StoreName[],
    clients: numbers(values.clients ?? '1,8,32'),
    ops: numbers(values.ops!),
    quick,
    label: values.label ?? (quick ? 'quick' : ''),
    importScale: values['import-scale'] === undefined ? [] : numbers(values['import-scale']),
    transferOnly: values['transfer-only'] ?? false,
    neo4jWarmS: values['neo4j-warm'] === undefined ? (quick ? 0 : 5) : seconds(values['neo4j-warm']),
  };
  const bad = [
    options.series,
    options.durationS,
    options.requests,
    options.neo4jWarmS,
    ...options.clients,
    ...options.ops,
  ].some((n) => !Number.isFinite(n) || n < 0);
  if (options.importScale.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`--import-scale takes series counts\n${USAGE}`);
  if (options.transferOnly && options.importScale.length === 0)
    throw new Error(`--transfer-only needs --import-scale\n${USAGE}`);
  if (bad || options.series < 2) throw new Error(`bad option value (series ≥ 2)\n${USAGE}`);
  return options;
}
