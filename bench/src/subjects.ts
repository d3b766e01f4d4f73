import type { Floor } from './floor.js';
import { FLOOR_OPS } from './floor.js';
import type { BenchKeys } from './keys.js';
import { graphqlAnswer, graphqlRequest, type LoadBudget, type LoadResult, type Request, runLoad } from './load.js';
import { OPERATIONS, type OpId } from './operations.js';
import { PEER_OPERATIONS } from './peer-schema.js';

export type StoreName = 'embedded' | 'neo4j';
/** 'cached' is ours as deployed by default: the in-memory response cache on (RESPONSE_CACHE_TTL_MS=60000). */
export type SubjectName = 'ours' | 'unplanned' | 'naive' | 'cached' | 'floor' | 'peer';

/** Something that answers some of the operations: one request (and a checked warm-up) per operation. */
export interface Subject {
  name: SubjectName;
  ops: OpId[];
  request(op: OpId): Request;
  /** One checked request; throws when the answer has errors. */
  answer(op: OpId): Promise<unknown>;
}

export interface Cell extends LoadResult {
  store: StoreName;
  subject: SubjectName;
  op: OpId;
  /** Set when the warm-up failed and the operation was not measured. */
  failure?: string;
}

const failedCell = (store: StoreName, subject: SubjectName, op: OpId, clients: number, error: unknown): Cell => ({
  store,
  subject,
  op,
  clients,
  requests: 0,
  errors: 1,
  p50: NaN,
  p95: NaN,
  p99: NaN,
  rps: 0,
  failure: error instanceof Error ? error.message.slice(0, 300) : String(error),
});

async function warmUp(subject: Subject, op: OpId, times: number): Promise<unknown> {
  try {
    for (let i = 0; i < times; i += 1) await subject.answer(op);
    return null;
  } catch (error) {
    return error ?? 'failed';
  }
}

export function serviceSubject(name: 'ours' | 'unplanned' | 'naive' | 'cached', url: string, keys: BenchKeys): Subject {
  const byId = new Map(OPERATIONS.map((op) => [op.id, op]));
  return {
    name,
    ops: OPERATIONS.map((op) => op.id),
    request: (id) => graphqlRequest(url, byId.get(id)!.document, byId.get(id)!.variables(keys)),
    answer: async (id) => (await graphqlAnswer(url, byId.get(id)!.document, byId.get(id)!.variables(keys))).data,
  };
}

export function peerSubject(url: string, keys: BenchKeys): Subject {
  const of = (id: OpId) => PEER_OPERATIONS[id as keyof typeof PEER_OPERATIONS];
  return {
    name: 'peer',
    ops: [...FLOOR_OPS],
    request: (id) => graphqlRequest(url, of(id).document, of(id).variables(keys)),
    answer: async (id) => (await graphqlAnswer(url, of(id).document, of(id).variables(keys))).data,
  };
}

export function floorSubject(floor: Floor, keys: BenchKeys): Subject {
  const call = (id: OpId) => floor[id as (typeof FLOOR_OPS)[number]].bind(floor);
  return {
    name: 'floor',
    ops: [...FLOOR_OPS],
    request: (id) => async () => (await call(id)(keys)) !== null,
    answer: (id) => call(id)(keys),
  };
}

export interface Plan {
  clients: readonly number[];
  /** Operation numbers (1–7) to run. */
  ops: readonly number[];
  budget: LoadBudget;
  warmups: number;
}

/** Warms each operation up (checking its answer), then runs it at every client count. */
/**
 * A second of discarded load after the checked warm-up: the first operation measured after a store starts
 * would otherwise also pay for its cold caches and its JIT (a run of op 2 alone measured it twice as slow).
 */
async function settle(subject: Subject, op: OpId, plan: Plan): Promise<void> {
  await runLoad(subject.request(op), 1, { durationMs: Math.min(1000, plan.budget.durationMs), maxRequests: 0 });
}

export async function benchSubject(store: StoreName, subject: Subject, plan: Plan): Promise<Cell[]> {
  const cells: Cell[] = [];
  const chosen = (id: OpId) => plan.ops.includes(OPERATIONS.find((o) => o.id === id)!.number);
  for (const op of subject.ops.filter(chosen)) {
    const failure = await warmUp(subject, op, plan.warmups);
    if (failure !== null) {
      process.stderr.write(
        `  ${store} ${subject.name} ${op}: the warm-up failed, not measured: ${String(failure).slice(0, 200)}\n`,
      );
      cells.push(...plan.clients.map((clients) => failedCell(store, subject.name, op, clients, failure)));
      continue;
    }
    await settle(subject, op, plan);
    for (const clients of plan.clients) {
      const result = await runLoad(subject.request(op), clients, plan.budget);
      cells.push({ store, subject: subject.name, op, ...result });
      process.stderr.write(
        `  ${store.padEnd(8)} ${subject.name.padEnd(5)} ${op.padEnd(15)} c=${String(clients).padStart(2)}  ` +
          `p50 ${result.p50.toFixed(1)} p95 ${result.p95.toFixed(1)} ms  ${result.rps.toFixed(1)} req/s  n=${result.requests}` +
          `${result.errors ? `  errors=${result.errors}` : ''}\n`,
      );
    }
  }
  return cells;
}
