import type { BenchKeys } from './keys.js';
import { graphqlAnswer } from './load.js';
import { OPERATIONS, type OpId } from './operations.js';
import { roundTripsTotal } from './process.js';
import type { StoreName, SubjectName } from './subjects.js';

export interface RoundTrips {
  store: StoreName;
  subject: SubjectName;
  op: OpId;
  /** Store round trips per request, for the benchmark's series and for another one with other list sizes. */
  perRequest: number;
  perRequestOtherSeries: number;
  /** How many answer items (objects in the response) the request returned, for scale. */
  objects: number;
}

const REPEAT = 3;

function countObjects(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countObjects(v), 0);
  if (value !== null && typeof value === 'object')
    return 1 + Object.values(value).reduce((n: number, v) => n + countObjects(v), 0);
  return 0;
}

export function countLeaves(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countLeaves(v), 0);
  if (value !== null && typeof value === 'object')
    return Object.values(value).reduce((n: number, v) => n + countLeaves(v), 0);
  return 1;
}

async function tripsPerRequest(url: string, op: (typeof OPERATIONS)[number], keys: BenchKeys) {
  const before = await roundTripsTotal(url);
  let data: unknown = null;
  for (let i = 0; i < REPEAT; i += 1) data = (await graphqlAnswer(url, op.document, op.variables(keys))).data;
  return { trips: ((await roundTripsTotal(url)) - before) / REPEAT, objects: countObjects(data) };
}

/** Round trips per request of every operation, read from the service's /metrics (store_round_trips_total). */
export async function measureRoundTrips(
  store: StoreName,
  subject: SubjectName,
  url: string,
  keys: BenchKeys,
  otherKeys: BenchKeys,
  ops: readonly number[],
): Promise<RoundTrips[]> {
  const rows: RoundTrips[] = [];
  for (const op of OPERATIONS.filter((o) => ops.includes(o.number))) {
    const main = await tripsPerRequest(url, op, keys).catch(() => ({ trips: NaN, objects: 0 }));
    const other = await tripsPerRequest(url, op, otherKeys).catch(() => ({ trips: NaN, objects: 0 }));
    rows.push({
      store,
      subject,
      op: op.id,
      perRequest: main.trips,
      perRequestOtherSeries: other.trips,
      objects: main.objects,
    });
  }
  return rows;
}
