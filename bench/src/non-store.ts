import type { ExecutorName } from '../../src/config/settings.js';
import type { DramaStore } from '../../src/store/port.js';
import { createDramaYoga } from '../../src/yoga.js';
import type { BenchKeys } from './keys.js';
import { percentile } from './load.js';
import { countLeaves } from './round-trips.js';

/** About 500 fields: 100 events × (sequence, kind, summary, episode number, agent name). */
const FIVE_HUNDRED_FIELDS = `query FiveHundredFields($series: String!) {
  events(filter: { series: $series }, first: 100) {
    edges { node { sequence kind summary episode { number } agent { name } } }
  }
}`;

export interface NonStoreTime {
  fields: number;
  /** Per request through Yoga in-process (parse, validate, execute, serialize), store answers replayed. */
  cachedMs: { p50: number; mean: number };
  /** The same with a different document text each time, so the parse/validate cache never hits. */
  uncachedMs: { p50: number; mean: number };
  /** The cached case with graphql-js's interpreting executor instead of graphql-jit (GRAPHQL_EXECUTOR=graphql-js). */
  interpretedMs: { p50: number; mean: number };
  /** The same request on the real store, for comparison. */
  withStoreMs: { p50: number; mean: number };
  parserAndValidationCache: 'default (on)';
}

/** A store that records each answer once and then replays it: store time drops to (almost) nothing. */
export function replayingStore(real: DramaStore): DramaStore {
  const answers = new Map<string, unknown>();
  return new Proxy(real, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return async (...args: unknown[]) => {
        const key = `${property}:${JSON.stringify(args)}`;
        if (!answers.has(key))
          answers.set(key, await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
        return answers.get(key);
      };
    },
  });
}

export async function timeRequests(
  store: DramaStore,
  keys: BenchKeys,
  iterations: number,
  vary: boolean,
  executor: ExecutorName = 'jit',
) {
  const yoga = createDramaYoga({ store, ops: { executor } });
  const send = async (i: number) => {
    const query = vary ? `${FIVE_HUNDRED_FIELDS}\n# ${i}` : FIVE_HUNDRED_FIELDS;
    const response = await yoga.fetch('http://bench.local/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables: { series: keys.series } }),
    });
    return (await response.json()) as { data: unknown };
  };
  const fields = countLeaves((await send(-1)).data);
  for (let i = 0; i < 50; i += 1) await send(i - 100);
  const times: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const t0 = performance.now();
    await send(i);
    times.push(performance.now() - t0);
  }
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  times.sort((a, b) => a - b);
  return { fields, p50: percentile(times, 50), mean };
}

/** Non-store time per request of a ~500-field response, measured in-process on one client. */
export async function measureNonStoreTime(real: DramaStore, keys: BenchKeys, iterations = 300): Promise<NonStoreTime> {
  const replay = replayingStore(real);
  const cached = await timeRequests(replay, keys, iterations, false);
  const uncached = await timeRequests(replay, keys, iterations, true);
  const interpreted = await timeRequests(replay, keys, iterations, false, 'graphql-js');
  const withStore = await timeRequests(real, keys, iterations, false);
  const pick = (t: { p50: number; mean: number }) => ({ p50: t.p50, mean: t.mean });
  return {
    fields: cached.fields,
    cachedMs: pick(cached),
    uncachedMs: pick(uncached),
    interpretedMs: pick(interpreted),
    withStoreMs: pick(withStore),
    parserAndValidationCache: 'default (on)',
  };
}
