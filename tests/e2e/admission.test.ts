import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseOpsSettings } from '../../src/config/settings.js';
import { openEmbeddedStore } from '../../src/store/embedded/index.js';
import type { DramaStore, PlannedRead } from '../../src/store/port.js';
import { createDramaYoga } from '../../src/yoga.js';
import { seed } from '../support/seeded.js';

let dir: string;
let store: DramaStore;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'drama-admission-'));
  store = await openEmbeddedStore({ dataDir: dir });
  await seed(store);
});
afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** The store, with every planned read held until `release()`; `held` counts the reads that started. */
function gated() {
  const waiting: (() => void)[] = [];
  const signals: (AbortSignal | undefined)[] = [];
  let held = 0;
  const proxy = new Proxy(store, {
    get: (target, property, receiver) =>
      property === 'readPlanned'
        ? (read: PlannedRead, signal?: AbortSignal) => {
            held += 1;
            signals.push(signal);
            return new Promise<void>((resolve) => waiting.push(resolve)).then(() => target.readPlanned(read, signal));
          }
        : Reflect.get(target, property, receiver),
  });
  return {
    store: proxy,
    held: () => held,
    /** The signal each held read was given. */
    signals: () => signals,
    release: () => {
      for (const resolve of waiting.splice(0)) resolve();
    },
  };
}

/** Lets pending work run until `done()` holds (no clock: each turn is a macrotask). */
async function until(done: () => boolean) {
  for (let turn = 0; turn < 10_000 && !done(); turn += 1) await new Promise((resolve) => setImmediate(resolve));
  expect(done()).toBe(true);
}

const ask = (yoga: ReturnType<typeof createDramaYoga>, name: string, signal?: AbortSignal) =>
  yoga.fetch('http://drama.test/graphql', {
    method: 'POST',
    signal,
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({
      query: `query ${name} { character(series: "soundtrack-1", slug: "eun-soo") { name relationships(asOfEpisode: 2) { kind } } }`,
    }),
  });

/** Asks as `ask` does for a client that may go away: 'abandoned' once it has. */
const askUntilGone = (yoga: ReturnType<typeof createDramaYoga>, name: string, signal: AbortSignal) =>
  Promise.resolve(ask(yoga, name, signal)).then(
    () => 'answered',
    () => 'abandoned',
  );

describe('admission: queries and mutations executing at once in one process (OPERATIONS_MAX, OPERATIONS_QUEUE_MAX)', () => {
  it('runs at most max, queues up to queueMax, and refuses the rest with 503 OPERATIONS_EXHAUSTED before they start', async () => {
    const gate = gated();
    const yoga = createDramaYoga({ store: gate.store, graphiql: false, ops: { operations: { max: 2, queueMax: 1 } } });
    const first = ask(yoga, 'A');
    const second = ask(yoga, 'B');
    await until(() => gate.held() === 2);
    const third = ask(yoga, 'C');
    const refused = await ask(yoga, 'D');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    const body = await refused.json();
    expect(body.data).toBeUndefined();
    expect(body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual([
      'OPERATIONS_EXHAUSTED',
    ]);
    expect(JSON.stringify(body)).not.toMatch(/\bat .*\.(ts|js):\d+/);
    // The queued one has not started; it starts once a place is free, and every admitted one answers.
    expect(gate.held()).toBe(2);
    gate.release();
    await until(() => gate.held() === 3);
    gate.release();
    for (const response of await Promise.all([first, second, third])) {
      expect(response.status).toBe(200);
      expect((await response.json()).data.character.name).toBe('Eun-soo');
    }
    // Every place was given back: two more run at once.
    const again = [ask(yoga, 'E'), ask(yoga, 'F')];
    await until(() => gate.held() === 5);
    gate.release();
    for (const response of await Promise.all(again)) expect(response.status).toBe(200);
  });

  // Red team: in a burst, queued queries were cut with EXECUTION_BUDGET_EXCEEDED (time) once they ran: the
  // budget's clock had started before they waited for a place.
  it("starts an operation's time budget when it starts executing, not while it waits for a place", async () => {
    const gate = gated();
    const budget = { objects: 1e9, bytes: 1e12, timeMs: 60_000 };
    const yoga = createDramaYoga({
      store: gate.store,
      graphiql: false,
      ops: { operations: { max: 1, queueMax: 5 }, budget },
    });
    const realNow = performance.now.bind(performance);
    let skipped = 0;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => realNow() + skipped);
    try {
      const first = ask(yoga, 'Holding');
      await until(() => gate.held() === 1);
      const waiting = ask(yoga, 'Waiting');
      for (let turn = 0; turn < 20; turn += 1) await new Promise((resolve) => setImmediate(resolve));
      expect(gate.held()).toBe(1);
      // While it waits, more than its whole budget goes by on the clock the budget reads.
      skipped = 2 * budget.timeMs;
      gate.release();
      await until(() => gate.held() === 2);
      gate.release();
      // The one executing meanwhile went over its budget; the one that waited has all of its own.
      const held = await (await first).json();
      expect(held.errors.map((e: { extensions: { budget: string } }) => e.extensions.budget)).toEqual(['time']);
      const waited = await (await waiting).json();
      expect(waited.errors).toBeUndefined();
      expect(waited.data.character.name).toBe('Eun-soo');
    } finally {
      clock.mockRestore();
    }
  });

  // Red team: 400-800 at once all waited for their turn to parse (24-51 s, a cheap query too), none refused.
  it('bounds the requests waiting for their turn to parse by OPERATIONS_MAX + OPERATIONS_QUEUE_MAX, refusing the rest at once', async () => {
    const gate = gated();
    const yoga = createDramaYoga({ store: gate.store, graphiql: false, ops: { operations: { max: 2, queueMax: 3 } } });
    const asked = Array.from({ length: 10 }, (_, i) => Promise.resolve(ask(yoga, `Burst${i}`)));
    let settled = 0;
    for (const response of asked) void response.then(() => (settled += 1));
    await until(() => {
      gate.release();
      return settled === asked.length;
    });
    const statuses = await Promise.all(asked.map((response) => response.then((r: Response) => r.status)));
    // The first 5 waited for their turn, then ran or waited for a place; the other 5 were refused on arrival.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 503, 503, 503, 503, 503]);
    const refused = await asked[9]!;
    expect(refused.headers.get('retry-after')).toBe('1');
    expect((await refused.json()).errors[0].extensions.code).toBe('OPERATIONS_EXHAUSTED');
    expect(gate.held()).toBe(5);
  });

  // Red team: a cheap query sent during a burst of heavy ones waited 7.4 s behind them, first in, first out.
  it('gives a freed place to the cheapest operation waiting, and refuses the costliest to make room for a cheaper one', async () => {
    const gate = gated();
    const heavyPage = (yoga: ReturnType<typeof createDramaYoga>, name: string) =>
      yoga.fetch('http://drama.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({
          query: `query ${name} { series(slug: "soundtrack-1") { episodes { events { participants { character { name aliases } } } } } }`,
        }),
      });
    const settled: string[] = [];
    const track = (name: string, response: Response | Promise<Response>) =>
      Promise.resolve(response).then((answer) => {
        settled.push(`${name}:${answer.status}`);
        return answer;
      });
    const turns = async () => {
      for (let turn = 0; turn < 20; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    };

    // With room to wait, a heavy operation queued before a cheap one runs after it.
    const roomy = createDramaYoga({ store: gate.store, graphiql: false, ops: { operations: { max: 1, queueMax: 5 } } });
    const holding = track('holding', ask(roomy, 'Holding'));
    await until(() => gate.held() === 1);
    const heavy = track('heavy', heavyPage(roomy, 'Heavy'));
    await turns();
    const cheap = track('cheap', ask(roomy, 'Cheap'));
    await turns();
    expect(gate.held()).toBe(1);
    for (let started = 2; started <= 3; started += 1) {
      gate.release();
      await until(() => gate.held() === started);
    }
    // The cheap one ran and answered while the heavy one holds the place now.
    await until(() => settled.length === 2);
    expect(settled).toEqual(['holding:200', 'cheap:200']);
    gate.release();
    expect((await heavy).status).toBe(200);
    expect((await (await cheap).json()).data.character.name).toBe('Eun-soo');
    await holding;

    // With the queue (one) full, a cheap newcomer takes the heavy one's place there, which is refused unstarted.
    settled.length = 0;
    const tight = createDramaYoga({ store: gate.store, graphiql: false, ops: { operations: { max: 1, queueMax: 1 } } });
    const holdingAgain = track('holding', ask(tight, 'Holding'));
    await until(() => gate.held() === 4);
    const pushedOut = track('heavy', heavyPage(tight, 'Heavy'));
    await turns();
    expect(settled).toEqual([]);
    const cheapAgain = track('cheap', ask(tight, 'Cheap'));
    const refused = await pushedOut;
    expect(refused.status).toBe(503);
    expect((await refused.json()).errors[0].extensions.code).toBe('OPERATIONS_EXHAUSTED');
    gate.release();
    await until(() => gate.held() === 5);
    gate.release();
    await Promise.all([holdingAgain, cheapAgain]);
    expect(settled).toEqual(['heavy:503', 'holding:200', 'cheap:200']);
    expect(gate.held()).toBe(5);
  });

  // Red team: during bursts of heavy queries the service accepted no connection for minutes, /health included:
  // loaders answered from lmdb resolve as microtasks, so the operations executing never let the event loop turn.
  it('lets the event loop turn while a long operation executes, every 10 ms of its clock, with the same answer', async () => {
    const page = `{ series(slug: "soundtrack-1") { title episodes { number events { kind summary participants { role character { name aliases portrayedBy { name } } } } } characters { name relationships { kind from { name } to { name } } } } }`;
    for (const planner of ['on', 'off'] as const) {
      const yoga = createDramaYoga({ store, graphiql: false, ops: { planner } });
      const post = () =>
        yoga.fetch('http://drama.test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
          body: JSON.stringify({ query: page }),
        });
      const expected = await (await post()).text();
      expect(JSON.parse(expected).errors).toBeUndefined();
      // A clock that moves 1 ms each time it is read: the operation runs "long" without depending on real time.
      const realNow = performance.now.bind(performance);
      let reads = 0;
      const clock = vi.spyOn(performance, 'now').mockImplementation(() => {
        reads += 1;
        return realNow() + reads;
      });
      // The clock's reading at each turn of the loop.
      const turns: number[] = [];
      let ticking = true;
      const tick = () => {
        turns.push(reads);
        if (ticking) setImmediate(tick);
      };
      setImmediate(tick);
      try {
        const answer = await (await post()).text();
        turns.push(reads);
        expect(answer).toBe(expected);
      } finally {
        ticking = false;
        clock.mockRestore();
      }
      // Hundreds of clock reads (a resolver reads it once): the loop turned about every ten, where it used to turn
      // only around the operation (about 400 reads between two turns).
      expect(reads, planner).toBeGreaterThan(300);
      const longest = Math.max(...turns.slice(1).map((at, i) => at - turns[i]!));
      expect(longest, planner).toBeLessThan(60);
    }
  });

  // Red team: after their clients had timed out, requests still waited in line and then ran, for nobody.
  it('drops a request whose client went away while it waited for a place, without running it', async () => {
    const gate = gated();
    const yoga = createDramaYoga({ store: gate.store, graphiql: false, ops: { operations: { max: 1, queueMax: 5 } } });
    const holding = ask(yoga, 'Holding');
    await until(() => gate.held() === 1);
    const client = new AbortController();
    const gone = askUntilGone(yoga, 'Gone', client.signal);
    for (let turn = 0; turn < 20; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    client.abort();
    expect(await gone).toBe('abandoned');
    gate.release();
    expect((await holding).status).toBe(200);
    // The next one takes the place at once: the abandoned one neither ran nor kept it.
    const next = ask(yoga, 'Next');
    await until(() => gate.held() === 2);
    gate.release();
    expect((await next).status).toBe(200);
    for (let turn = 0; turn < 20; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(gate.held()).toBe(2);
    // Red team: the client that left was counted as a refusal for capacity, which an alert watches.
    const metrics = async () => (await yoga.fetch('http://drama.test/metrics')).text();
    await expect.poll(metrics).toMatch(/graphql_errors_total\{code="CLIENT_CLOSED_REQUEST"\} 1\n/);
    const text = await metrics();
    expect(text).toMatch(/graphql_requests_total\{operation="[^"]+",status="499"\} 1\n/);
    expect(text).not.toContain('OPERATIONS_EXHAUSTED');
    expect(text).not.toContain('status="503"');
  });

  // Red team: queries whose clients had gone ran to their end, for nobody (477 executed, 148 read).
  it('stops a query whose client went away while it executes, and ends its store read', async () => {
    const gate = gated();
    const yoga = createDramaYoga({ store: gate.store, graphiql: false });
    const client = new AbortController();
    const asked = askUntilGone(yoga, 'Gone', client.signal);
    await until(() => gate.held() === 1);
    const read = gate.signals()[0];
    expect(read?.aborted).toBe(false);
    client.abort();
    expect(await asked).toBe('abandoned');
    // The read still held by the store is told to stop, before it ever returns.
    await until(() => read?.aborted === true);
    gate.release();
  });

  it('OPERATIONS_MAX=0 bounds nothing; both settings take digits only', async () => {
    const gate = gated();
    const yoga = createDramaYoga({ store: gate.store, graphiql: false, ops: { operations: { max: 0, queueMax: 0 } } });
    const many = Array.from({ length: 40 }, (_, i) => ask(yoga, `Q${i}`));
    await until(() => gate.held() === 40);
    gate.release();
    for (const response of await Promise.all(many)) expect(response.status).toBe(200);
    for (const name of ['OPERATIONS_MAX', 'OPERATIONS_QUEUE_MAX']) {
      expect(parseOpsSettings({ [name]: '7' }).success).toBe(true);
      for (const hostile of ['-1', '1e3', 'abc', ' 5', '5.0', '0x10', '9007199254740992', '__proto__'])
        expect(parseOpsSettings({ [name]: hostile }).success, `${name}=${hostile}`).toBe(false);
    }
    expect(parseOpsSettings({}).data?.operations).toEqual({ max: 16, queueMax: 256 });
  });
});

/** Asks as `ask` does, from `address` (the socket's, as Node's adapter gives it), with a body streamed without a length. */
const askFrom = (yoga: ReturnType<typeof createDramaYoga>, name: string, address: string) => {
  const body = JSON.stringify({
    query: `query ${name} { character(series: "soundtrack-1", slug: "eun-soo") { name relationships(asOfEpisode: 2) { kind } } }`,
  });
  const stream = new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(body));
      controller.close();
    },
  });
  return yoga.fetch(
    'http://drama.test/graphql',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: stream,
      duplex: 'half',
    } as RequestInit,
    { req: { socket: { remoteAddress: address } } },
  );
};

// Red team 43: one address's burst kept another client's request waiting until it was refused.
describe('admission is fair between clients (an IP address, or a verified token)', () => {
  it("makes room in a full queue for another address's request by refusing the busy address's newest, and runs it next", async () => {
    const gate = gated();
    const yoga = createDramaYoga({ store: gate.store, graphiql: false, ops: { operations: { max: 1, queueMax: 1 } } });
    const first = askFrom(yoga, 'A1', '10.0.0.1');
    await until(() => gate.held() === 1);
    const second = askFrom(yoga, 'A2', '10.0.0.1');
    // The queue holds one: another from the same address is refused.
    const third = await askFrom(yoga, 'A3', '10.0.0.1');
    expect(third.status).toBe(503);
    const other = askFrom(yoga, 'B1', '10.0.0.2');
    const pushedOut = await second;
    expect(pushedOut.status).toBe(503);
    expect((await pushedOut.json()).errors[0].extensions.code).toBe('OPERATIONS_EXHAUSTED');
    gate.release();
    await until(() => gate.held() === 2);
    gate.release();
    const answers = await Promise.all([first, other]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect((await answers[1]!.json()).data.character.name).toBeTruthy();
  });
});

// Red team 44: a viewer whose query was the same as one a burst had queued waited for the burst's copy (7–14 s).
describe('a request sharing the answer of another client’s queued copy of it', () => {
  it('waits no longer than it would for a place of its own: the copy runs next, as the client with the smaller share', async () => {
    const gate = gated();
    const yoga = createDramaYoga({
      store: gate.store,
      graphiql: false,
      ops: { operations: { max: 1, queueMax: 10 }, responseCacheTtlMs: 60_000 },
    });
    const finished: string[] = [];
    const tracked = (name: string, answer: Response | Promise<Response>) =>
      Promise.resolve(answer).then((response) => {
        finished.push(name);
        return response;
      });
    const first = tracked('A1', askFrom(yoga, 'A1', '10.0.0.1'));
    await until(() => gate.held() === 1);
    const burst = ['A2', 'A3', 'A4', 'A5'].map((name) => tracked(name, askFrom(yoga, name, '10.0.0.1')));
    const copy = tracked('copy', askFrom(yoga, 'Shared', '10.0.0.1'));
    for (let turn = 0; turn < 50; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    const viewer = tracked('viewer', askFrom(yoga, 'Shared', '10.0.0.2'));
    for (let turn = 0; turn < 50; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    for (let held = 1; held <= 6; held += 1) {
      await until(() => gate.held() === held);
      gate.release();
    }
    const answers = await Promise.all([first, ...burst, copy, viewer]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200, 200]);
    expect((await answers[6]!.json()).data.character.name).toBeTruthy();
    // The viewer shared the copy's answer: six operations ran, and the copy ran right after the first.
    expect(finished.slice(0, 3).sort()).toEqual(['A1', 'copy', 'viewer']);
  });
});

// Red team 45: operations waiting for tropes to be worked out held every place, and other clients' reads waited.
describe('an operation waiting for tropes to be worked out', () => {
  it("gives its place to another client's read meanwhile, and takes one again to finish with the right answer", async () => {
    const waiting: (() => void)[] = [];
    let eventReads = 0;
    const heldEvents = new Proxy(store, {
      get: (target, property, receiver) =>
        property === 'eventsOfSeriesByKind'
          ? (queries: Parameters<DramaStore['eventsOfSeriesByKind']>[0], signal?: AbortSignal) => {
              eventReads += 1;
              return new Promise<void>((resolve) => waiting.push(resolve)).then(() =>
                target.eventsOfSeriesByKind(queries, signal),
              );
            }
          : Reflect.get(target, property, receiver),
    });
    const yoga = createDramaYoga({ store: heldEvents, graphiql: false, ops: { operations: { max: 1, queueMax: 5 } } });
    const from = (address: string, query: string) =>
      Promise.resolve(
        yoga.fetch(
          'http://drama.test/graphql',
          { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) },
          { req: { socket: { remoteAddress: address } } },
        ),
      );
    const tropes = from('10.0.0.1', '{ series(slug: "soundtrack-1") { tropes { kind } } }');
    await until(() => eventReads === 1);
    let read: Response | null = null;
    void from('10.0.0.2', '{ series(slug: "godspeed") { title } }').then((response) => {
      read = response;
    });
    // The only place is free while the tropes wait: the read is answered before they are.
    await until(() => read !== null);
    expect(await read!.json()).toEqual({ data: { series: { title: expect.any(String) } } });
    for (const resolve of waiting.splice(0)) resolve();
    const answer = await (await tropes).json();
    expect(answer.errors).toBeUndefined();
    expect(answer.data.series.tropes.map((t: { kind: string }) => t.kind)).toContain('LOVE_TRIANGLE');
  });
});
