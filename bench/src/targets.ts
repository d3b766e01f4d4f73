import type { NonStoreTime } from './non-store.js';
import type { OpId } from './operations.js';
import type { Memory } from './report.js';
import type { RoundTrips } from './round-trips.js';
import type { Cell, StoreName, SubjectName } from './subjects.js';

export interface Target {
  name: string;
  goal: string;
  measured: string;
  pass: boolean | null;
}

/** The store round trips a perfect batcher makes: one per level of the query and kind of record. */
const LIST_LEVELS: Partial<Record<OpId, number>> = {
  confessions: 3, // the events page; their episodes; their agents and targets
  seriesPage: 6, // series, episodes, events, characters, castings, people
  standing: 3, // the character; its relationships; their two ends
};

const cell = (cells: Cell[], store: StoreName, subject: SubjectName, op: OpId, clients: number) =>
  cells.find((c) => c.store === store && c.subject === subject && c.op === op && c.clients === clients);

/** Requests per second that answered without error (a timed-out request must not count as throughput). */
export const okRps = (c: Cell | undefined): number | undefined =>
  c && c.requests > 0 ? (c.rps * (c.requests - c.errors)) / c.requests : undefined;

const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? NaN : a / b);
const fmt = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}x` : 'n/a');
const judged = (x: number, ok: (x: number) => boolean) => (Number.isFinite(x) ? ok(x) : null);

function neo4jTargets(cells: Cell[]): Target[] {
  const p95 = ratio(
    cell(cells, 'neo4j', 'ours', 'seriesPage', 1)?.p95,
    cell(cells, 'neo4j', 'floor', 'seriesPage', 1)?.p95,
  );
  const ours32 = okRps(cell(cells, 'neo4j', 'ours', 'seriesPage', 32));
  const peer = ratio(ours32, okRps(cell(cells, 'neo4j', 'peer', 'seriesPage', 32)));
  const naive = ratio(ours32, okRps(cell(cells, 'neo4j', 'naive', 'seriesPage', 32)));
  return [
    {
      name: 'Neo4j op 2 p95 vs floor (1 client)',
      goal: '≤ 1.5x',
      measured: fmt(p95),
      pass: judged(p95, (x) => x <= 1.5),
    },
    {
      name: 'Neo4j op 2 ok req/s at 32 clients vs peer',
      goal: '≥ 1.5x',
      measured: fmt(peer),
      pass: judged(peer, (x) => x >= 1.5),
    },
    {
      name: 'Neo4j op 2 ok req/s at 32 clients vs naive',
      goal: '≥ 5x',
      measured: fmt(naive),
      pass: judged(naive, (x) => x >= 5),
    },
  ];
}

/** The connection search takes one round trip per hop it explores: its levels depend on the pair, not on list sizes. */
const BY_DEPTH: readonly OpId[] = ['connection'];

function roundTripTarget(rows: RoundTrips[]): Target {
  const ours = rows.filter((r) => r.subject === 'ours' && !BY_DEPTH.includes(r.op));
  const off = ours.filter(
    (r) => r.perRequest !== r.perRequestOtherSeries || r.perRequest > (LIST_LEVELS[r.op] ?? r.perRequest),
  );
  const measured =
    off.length === 0
      ? `ops 1–3 = ${ours
          .filter((r) => LIST_LEVELS[r.op])
          .map((r) => r.perRequest)
          .join('/')}; ops 1–5 and 7 the same on another series (6 goes by hops)`
      : off
          .map(
            (r) =>
              `${r.store} ${r.op}: ${r.perRequest} (other series ${r.perRequestOtherSeries}, levels ${LIST_LEVELS[r.op] ?? '?'})`,
          )
          .join('; ');
  return {
    name: 'Round trips per request ≤ list levels',
    goal: 'at most one per list level (a planned operation takes 1), whatever the list sizes',
    measured,
    pass: ours.length ? off.length === 0 : null,
  };
}

/** The target is taken on 'ours' (no response cache); 'cached' shows what repeated widget requests see as deployed. */
function embeddedTarget(cells: Cell[], subject: 'ours' | 'cached'): Target {
  const p95s = (['confessions', 'seriesPage', 'standing'] as const).map(
    (op) => cell(cells, 'embedded', subject, op, 8)?.p95,
  );
  const known = p95s.every((p) => p !== undefined);
  const measured = known ? p95s.map((p) => `${p!.toFixed(2)} ms`).join(' / ') : 'n/a';
  const name =
    subject === 'ours'
      ? 'Embedded ops 1–3 p95 at 8 clients'
      : 'The same, response cache on (as deployed; not the target)';
  return { name, goal: '< 5 ms each', measured, pass: known ? p95s.every((p) => p! < 5) : null };
}

function nonStoreTarget(time: NonStoreTime | null): Target {
  if (!time) return { name: 'Non-store time, ~500 fields', goal: '< 3 ms', measured: 'n/a', pass: null };
  const ms = time.cachedMs.p50;
  return {
    name: `Non-store time, ${time.fields} fields (p50)`,
    goal: '< 3 ms',
    measured: `${ms.toFixed(2)} ms`,
    pass: ms < 3,
  };
}

/** Issue 14: the embedded store reads from lmdb, so start-up, memory and tail latency do not grow with the catalogue. */
function embeddedScaleTargets(cells: Cell[], memory: Memory[]): Target[] {
  const ours = memory.find((m) => m.store === 'embedded' && m.subject === 'ours');
  const empty = memory.find((m) => m.store === 'embedded' && m.subject === 'empty DATA_DIR');
  const readyMs = ours?.readyMs ?? NaN;
  const rss = memory
    .filter((m) => m.store === 'embedded' && typeof m.rssAfterMb === 'number' && m.subject !== 'empty DATA_DIR')
    .map((m) => m.rssAfterMb!);
  const largestRss = rss.length ? Math.max(...rss) : NaN;
  const tail = ratio(
    cell(cells, 'embedded', 'ours', 'seriesPage', 8)?.p95,
    cell(cells, 'embedded', 'ours', 'seriesPage', 1)?.p50,
  );
  const known = (x: number) => Number.isFinite(x);
  return [
    {
      name: 'Embedded /ready after spawn (ours)',
      goal: '≤ 2000 ms',
      measured: known(readyMs)
        ? `${readyMs.toFixed(0)} ms (empty DATA_DIR: ${empty?.readyMs?.toFixed(0) ?? 'n/a'} ms)`
        : 'n/a',
      pass: known(readyMs) ? readyMs <= 2000 : null,
    },
    {
      name: 'Embedded service RSS after its runs (largest of ours, naive, cached)',
      goal: '≤ 400 MB',
      measured: known(largestRss) ? `${largestRss.toFixed(0)} MB` : 'n/a',
      pass: known(largestRss) ? largestRss <= 400 : null,
    },
    {
      name: 'Embedded op 2 p95 at 8 clients vs p50 at 1 client (ours)',
      goal: '≤ 10x',
      measured: fmt(tail),
      pass: judged(tail, (x) => x <= 10),
    },
  ];
}

const PEER_OPS = ['confessions', 'seriesPage', 'standing'] as const;
const LOADER_ONLY_OPS = ['timeline', 'search', 'connection', 'recommendations'] as const;

/** One target over several operations: each op's ratio, passing when every measured one does. */
function perOp(
  name: string,
  goal: string,
  ops: readonly OpId[],
  ratioOf: (op: OpId) => number,
  ok: (x: number) => boolean,
): Target {
  const ratios = ops.map(ratioOf);
  const known = ratios.filter(Number.isFinite);
  return {
    name,
    goal,
    measured: ratios.map(fmt).join(' / '),
    pass: known.length === ops.length ? known.every(ok) : null,
  };
}

/** Issue 17: the query planner, ops 1–3 against the peer and the floor, ops 4–7 against the loader path. */
function plannerTargets(cells: Cell[], rows: RoundTrips[]): Target[] {
  const p50 = (store: StoreName, subject: SubjectName, op: OpId) => cell(cells, store, subject, op, 1)?.p50;
  const trips = PEER_OPS.flatMap((op) =>
    rows.filter((r) => r.subject === 'ours' && r.op === op).map((r) => `${r.store} ${r.op} ${r.perRequest}`),
  );
  const planned = rows.filter((r) => r.subject === 'ours' && (PEER_OPS as readonly OpId[]).includes(r.op));
  return [
    perOp(
      'Neo4j ops 1–3 ok req/s at 32 clients vs peer',
      '≥ 2x each',
      PEER_OPS,
      (op) => ratio(okRps(cell(cells, 'neo4j', 'ours', op, 32)), okRps(cell(cells, 'neo4j', 'peer', op, 32))),
      (x) => x >= 2,
    ),
    perOp(
      'Neo4j ops 1–3 p50 at 1 client vs floor',
      '≤ 1.2x each',
      PEER_OPS,
      (op) => ratio(p50('neo4j', 'ours', op), p50('neo4j', 'floor', op)),
      (x) => x <= 1.2,
    ),
    {
      name: 'Round trips per request, ops 1–3 (ours)',
      goal: '1 each',
      measured: trips.length ? trips.join('; ') : 'n/a',
      pass: planned.length ? planned.every((r) => r.perRequest === 1 && r.perRequestOtherSeries === 1) : null,
    },
    perOp(
      'Embedded ops 1–3 p50 at 1 client vs floor',
      '≤ 3x each',
      PEER_OPS,
      (op) => ratio(p50('embedded', 'ours', op), p50('embedded', 'floor', op)),
      (x) => x <= 3,
    ),
    ...(['embedded', 'neo4j'] as const).map((store) =>
      perOp(
        `${store === 'neo4j' ? 'Neo4j' : 'Embedded'} ops 4–7 p50 at 1 client, ours vs the loader path (PLANNER=off)`,
        "≤ 1.10x each (no slower; 10% is one run's noise)",
        LOADER_ONLY_OPS,
        (op) => ratio(p50(store, 'ours', op), p50(store, 'unplanned', op)),
        (x) => x <= 1.1,
      ),
    ),
  ];
}

export function evaluateTargets(
  cells: Cell[],
  rows: RoundTrips[],
  time: NonStoreTime | null,
  memory: Memory[],
): Target[] {
  return [
    ...embeddedScaleTargets(cells, memory),
    ...neo4jTargets(cells),
    roundTripTarget(rows),
    ...plannerTargets(cells, rows),
    embeddedTarget(cells, 'ours'),
    embeddedTarget(cells, 'cached'),
    nonStoreTarget(time),
  ];
}
