import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { NonStoreTime } from './non-store.js';
import { OPERATIONS } from './operations.js';
import type { LoadReport } from './prepare.js';
import { ROOT } from './process.js';
import type { RoundTrips } from './round-trips.js';
import type { Cell } from './subjects.js';
import { okRps, type Target } from './targets.js';
import type { Transfer } from './transfer.js';

export interface Memory {
  store: string;
  subject: string;
  peakRssMb: number;
  /** Resident memory (VmRSS) once its runs are over, before it is stopped; of which its own (RssAnon) and mapped files' (RssFile). */
  rssAfterMb: number | null;
  rssAnonAfterMb?: number;
  rssFileAfterMb?: number;
  /** From spawning the service to its first 200 from /ready; null for processes without /ready. */
  readyMs: number | null;
}

export interface BenchResults {
  date: string;
  startedAt: string;
  options: Record<string, unknown>;
  machine: { cpus: number; node: string; loadAverageAtStart: number[] };
  keys: unknown;
  loads: LoadReport[];
  cells: Cell[];
  roundTrips: RoundTrips[];
  memory: Memory[];
  nonStore: NonStoreTime | null;
  targets: Target[];
  /** `npm run import` and `npm run export` at each --import-scale, each store. */
  transfers: Transfer[];
  /** Why the run stopped early, if it did. */
  failure: string | null;
}

const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const table = (head: string[], rows: (string | number)[][]) =>
  [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');
const opLabel = (id: string) => {
  const op = OPERATIONS.find((o) => o.id === id)!;
  return `${op.number} ${op.title}`;
};

function latencyTable(cells: Cell[]): string {
  return table(
    [
      'store',
      'subject',
      'operation',
      'clients',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'req/s',
      'ok req/s',
      'requests',
      'errors',
    ],
    cells.map((c) => [
      c.store,
      c.subject,
      opLabel(c.op),
      c.clients,
      ms(c.p50),
      ms(c.p95),
      ms(c.p99),
      c.rps.toFixed(1),
      (okRps(c) ?? 0).toFixed(1),
      c.requests,
      c.errors,
    ]),
  );
}

function failures(cells: Cell[]): string[] {
  const failed = cells.filter((c) => c.failure !== undefined && c.clients === cells[0]?.clients);
  return failed.length
    ? ['', ...failed.map((c) => `- not measured: ${c.store} ${c.subject} ${opLabel(c.op)}: ${c.failure}`)]
    : [];
}

function roundTripTable(rows: RoundTrips[]): string {
  return table(
    ['store', 'subject', 'operation', 'round trips / request', 'on another series', 'objects in answer'],
    rows.map((r) => [r.store, r.subject, opLabel(r.op), r.perRequest, r.perRequestOtherSeries, r.objects]),
  );
}

function nonStoreTable(time: NonStoreTime | null): string {
  if (!time) return '(not measured)';
  const line = (name: string, t: { p50: number; mean: number }) => [name, ms(t.p50), ms(t.mean)];
  return table(
    ['~500-field request, in-process, 1 client', 'p50 ms', 'mean ms'],
    [
      line(`store answers replayed, parse/validate cache on (${time.fields} fields)`, time.cachedMs),
      line('store answers replayed, a new document text every time (cache misses)', time.uncachedMs),
      ...(time.interpretedMs
        ? [line('store answers replayed, cache on, graphql-js executor instead of graphql-jit', time.interpretedMs)]
        : []),
      line('real store (for comparison)', time.withStoreMs),
    ],
  );
}

/** Peak RSS the issue allows an import or export process, in MB. */
const TRANSFER_RSS_MB = 400;

function transferTable(transfers: Transfer[]): string {
  if (transfers.length === 0) return '(not measured: no --import-scale)';
  const sorted = [...transfers].sort(
    (a, b) => a.direction.localeCompare(b.direction) || a.store.localeCompare(b.store) || a.series - b.series,
  );
  return table(
    ['direction', 'store', 'series', 'records', 'seconds', 'records/s', `peak RSS MB (goal ≤ ${TRANSFER_RSS_MB})`],
    sorted.map((t) => [
      t.direction,
      t.store,
      t.series,
      t.records,
      t.seconds.toFixed(1),
      t.recordsPerSecond,
      `${t.peakRssMb.toFixed(0)} ${t.peakRssMb <= TRANSFER_RSS_MB ? 'pass' : 'MISS'}`,
    ]),
  );
}

function markdown(results: BenchResults): string {
  const targets = table(
    ['target', 'goal', 'measured', 'result'],
    results.targets.map((t) => [
      t.name,
      t.goal,
      t.measured,
      t.pass === null ? 'not measured' : t.pass ? 'pass' : 'MISS',
    ]),
  );
  const loads = table(
    ['store', 'load seconds', 'peak RSS MB', 'reused'],
    results.loads.map((l) => [l.store, l.seconds.toFixed(1), l.peakRssMb?.toFixed(0) ?? 'n/a', String(l.reused)]),
  );
  const memory = table(
    [
      'store',
      'subject',
      '/ready after spawn ms',
      'peak RSS MB (VmHWM)',
      'RSS MB after its runs (VmRSS)',
      'of which anonymous (RssAnon)',
      'of which mapped files (RssFile)',
    ],
    results.memory.map((m) => [
      m.store,
      m.subject,
      typeof m.readyMs === 'number' ? m.readyMs.toFixed(0) : 'n/a',
      m.peakRssMb.toFixed(0),
      m.rssAfterMb?.toFixed(0) ?? 'n/a',
      m.rssAnonAfterMb?.toFixed(0) ?? 'n/a',
      m.rssFileAfterMb?.toFixed(0) ?? 'n/a',
    ]),
  );
  return [
    `# Benchmark ${results.date}`,
    '',
    `Started ${results.startedAt}; options \`${JSON.stringify(results.options)}\`; ${results.machine.cpus} CPUs, Node ${results.machine.node}, ` +
      `load average at start ${results.machine.loadAverageAtStart.map((x) => x.toFixed(2)).join(' ')}.`,
    `Keys: \`${JSON.stringify(results.keys)}\``,
    '',
    '## Targets',
    '',
    targets,
    ...(results.failure ? ['', `**The run stopped early:** ${results.failure.split('\n')[0]}`] : []),
    '',
    '## Latency and throughput',
    '',
    latencyTable(results.cells),
    ...failures(results.cells),
    '',
    '## Store round trips per request (from /metrics store_round_trips_total)',
    '',
    roundTripTable(results.roundTrips),
    '',
    '## Start-up and memory of the process under test',
    '',
    memory,
    '',
    '## Non-store time',
    '',
    nonStoreTable(results.nonStore),
    '',
    '## Loading the catalogue',
    '',
    loads,
    '',
    '## Import and export (npm run import / npm run export into an empty store, one run each)',
    '',
    transferTable(results.transfers),
    '',
  ].join('\n');
}

export function printSummary(results: BenchResults): void {
  console.log(
    `\n${latencyTable(results.cells)}\n\n${roundTripTable(results.roundTrips)}\n\n${nonStoreTable(results.nonStore)}\n`,
  );
  if (results.transfers.length > 0) console.log(`${transferTable(results.transfers)}\n`);
  for (const t of results.targets)
    console.log(`${t.pass === null ? '  n/a' : t.pass ? ' pass' : ' MISS'}  ${t.name}: ${t.measured} (goal ${t.goal})`);
}

/** Writes bench/results/<date>[-suffix].json and .md; returns the paths. */
export async function writeResults(results: BenchResults, suffix: string): Promise<string[]> {
  const dir = path.join(ROOT, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const base = path.join(dir, `${results.date}${suffix}`);
  await writeFile(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(`${base}.md`, markdown(results));
  return [`${base}.json`, `${base}.md`];
}
