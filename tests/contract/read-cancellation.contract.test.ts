import { expect, it } from 'vitest';
import { catalogueOf } from '../../src/reads/recommendations.js';
import type { DramaStore } from '../../src/store/port.js';
import { readSignal, readsFor } from '../../src/store/read-scope.js';
import { createDramaYoga } from '../../src/yoga.js';
import { describeEachStore } from '../support/each-store.js';
import { graphql } from '../support/graphql.js';

const ANSWERED = 'The operation has been answered.';

interface Call {
  method: string;
  signal: AbortSignal | undefined;
}

/** The store, recording the read signal each of its methods was called with (src/store/read-scope.ts). */
function recording(store: DramaStore, calls: Call[], onCall?: (method: string, answer: unknown) => void): DramaStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        calls.push({ method: property, signal: readSignal() });
        const answer = (value as (...a: unknown[]) => unknown).apply(target, args);
        onCall?.(property, answer);
        return answer;
      };
    },
  });
}

describeEachStore('store reads stop with the query they answer, and shared builds do not', (current) => {
  it('builds the shared catalogue to the end though the operation that started it was answered meanwhile', async () => {
    const { store } = current();
    const answered = new AbortController();
    const building = readsFor(answered.signal, () => catalogueOf(store));
    answered.abort(new Error(ANSWERED));
    const snapshot = await building;
    expect(snapshot.entries.map((entry) => entry.series.slug)).toContain('soundtrack-1');
    expect(await catalogueOf(store)).toBe(snapshot);
  });

  it('reads a query through its own signal, aborted once it is answered; the shared catalogue build through none', async () => {
    const calls: Call[] = [];
    const yoga = createDramaYoga({
      store: recording(current().store, calls),
      graphiql: false,
      ops: { planner: 'off' },
    });
    const answer = await graphql(yoga, '{ series(slug: "soundtrack-1") { characters { name } } }');
    expect(answer.errors).toBeUndefined();
    const reads = calls.filter((call) => call.method.endsWith('ByKeys') || call.method.endsWith('BySeries'));
    expect(reads.length).toBeGreaterThanOrEqual(2);
    const [first] = reads;
    expect(first!.signal).toBeInstanceOf(AbortSignal);
    expect(reads.every((call) => call.signal === first!.signal)).toBe(true);
    expect(first!.signal!.aborted).toBe(true);

    calls.length = 0;
    const ranked = await graphql(
      yoga,
      '{ series(slug: "godspeed") { recommendations(first: 2) { series { slug } } } }',
    );
    expect(ranked.errors).toBeUndefined();
    // This store (the recording one) had no catalogue yet: the query built it, for every viewer after it too.
    const built = calls.filter((call) => call.method === 'listSeries' || call.method === 'seriesSummaries');
    expect(built.map((call) => call.method)).toEqual(expect.arrayContaining(['listSeries', 'seriesSummaries']));
    for (const call of built) expect(call.signal, call.method).toBeUndefined();
    expect(calls.find((call) => call.method === 'seriesByKeys')?.signal).toBeInstanceOf(AbortSignal);
  });

  it('stops the reads still in flight when the client goes away: on Neo4j they fail with the answer already out', async () => {
    const calls: Call[] = [];
    const client = new AbortController();
    let inFlight: Promise<unknown> | undefined;
    const store = recording(current().store, calls, (method, answer) => {
      if (method !== 'charactersBySeries' || inFlight !== undefined) return;
      inFlight = answer as Promise<unknown>;
      inFlight.catch(() => undefined);
      client.abort();
    });
    const yoga = createDramaYoga({ store, graphiql: false, ops: { planner: 'off' } });
    const sent = Promise.resolve(
      yoga.fetch('http://drama.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ series(slug: "soundtrack-1") { characters { name } } }' }),
        signal: client.signal,
      }),
    );
    await sent.then((response) => response.text()).catch(() => undefined);
    expect(inFlight).toBeDefined();
    if (current().store.kind === 'neo4j') await expect(inFlight).rejects.toThrow(ANSWERED);
    // The embedded store's reads are short and not stopped: it answers as it would have.
    else expect(((await inFlight) as unknown[]).length).toBe(1);
  });
});
