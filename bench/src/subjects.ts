import type { BenchKeys } from './keys.js';
import { graphqlAnswer, graphqlRequest, runLoad, type LoadBudget, type LoadResult, type Request } from './load.js';
import { OPERATIONS, type OpId } from './operations.js';
import type { Floor } from './floor.js';
import { FLOOR_OPS } from './floor.js';
import { PEER_OPERATIONS } from './peer-schema.js';

export type StoreName = 'embedded' | 'neo4j';
export type SubjectName = 'ours' | 'naive' | 'floor' | 'peer';

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
}

export function serviceSubject(name: 'ours' | 'naive', url: string, keys: BenchKeys): Subject {
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
  budget: LoadBudget;
  warmups: number;
}

/** Warms each operation up (checking its answer), then runs it at every client count. */
export async function benchSubject(store: StoreName, subject: Subject, plan: Plan): Promise<Cell[]> {
  const cells: Cell[] = [];
  for (const op of subject.ops) {
    for (let i = 0; i < plan.warmups; i += 1) await subject.answer(op);
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
