import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/logger.js';
import type { SharedRedis } from '../../src/redis/connection.js';
import { ReplicaBus } from '../../src/redis/invalidation.js';

type Mode = 'ok' | 'fail' | 'hang';

/**
 * A Redis whose move of the generation (INCR, never to one the replica knows) answers, fails (as when full) or waits
 * (as when paused) by `mode`; notices loop back.
 */
function fakeRedis() {
  const subscriber = Object.assign(new EventEmitter(), { subscribe: async () => 1 });
  const published: { origin: string; generation: number; series: string[] | null; moved: boolean }[] = [];
  const waiting: (() => void)[] = [];
  const state = { mode: 'ok' as Mode, generation: 0, up: true, incrs: 0 };
  const commands = {
    eval: (_script: string, _keys: number, _key: string, known: string) => {
      state.incrs += 1;
      const move = () => {
        state.generation = Math.max(state.generation + 1, Number(known) + 1);
        return state.generation;
      };
      if (state.mode === 'fail') return Promise.reject(new Error('OOM command not allowed'));
      if (state.mode === 'hang') return new Promise<number>((resolve) => waiting.push(() => resolve(move())));
      return Promise.resolve(move());
    },
    publish: async (channel: string, text: string) => {
      published.push(JSON.parse(text));
      subscriber.emit('message', channel, text);
      return 1;
    },
    get: async () => String(state.generation),
  };
  const redis = {
    commands,
    subscriber,
    prefix: 'test:',
    up: () => state.up,
    outages: () => 0,
    onRecovered: () => undefined,
    onFirstReady: () => undefined,
    reportFailure: () => undefined,
  } as unknown as SharedRedis;
  /** A notice from another replica, as the channel delivers it. */
  const fromOther = (notice: object) => subscriber.emit('message', 'test:writes', JSON.stringify(notice));
  return { redis, state, published, waiting, fromOther };
}

function busOn(redis: SharedRedis) {
  const logs: string[] = [];
  const heard: (readonly string[] | null)[] = [];
  const bus = new ReplicaBus(redis, createLogger('info', { write: (line: string) => void logs.push(line) }));
  bus.onRemoteWrite((series) => heard.push(series));
  return { bus, logs, heard };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the shared write generation, when Redis does not take a move', () => {
  it('keeps a replica that starts off the shared cache until its own first move: a write before it may not have moved it', async () => {
    const redis = fakeRedis();
    const { bus, logs, heard } = busOn(redis.redis);
    expect(bus.unmoved()).toBe(true);
    redis.state.mode = 'fail';
    await bus.announce([]);
    expect(bus.unmoved()).toBe(true);
    redis.state.mode = 'ok';
    await bus.announce([]);
    expect(bus.unmoved()).toBe(false);
    // It had said that a move failed: it says that it moved, and forgets what it derived meanwhile.
    expect(logs.filter((line) => line.includes('in use'))).toHaveLength(1);
    expect(heard).toEqual([null]);

    const quiet = busOn(fakeRedis().redis);
    await quiet.bus.announce([]);
    expect(quiet.bus.unmoved()).toBe(false);
    expect(quiet.logs).toEqual([]);
    expect(quiet.heard).toEqual([]);
  });

  it('passes the shared cache by from a failed move until a later one succeeds, and says so once', async () => {
    const redis = fakeRedis();
    const { bus, logs, heard } = busOn(redis.redis);
    await bus.announce(['soundtrack-1']);
    expect(bus.unmoved()).toBe(false);
    redis.state.mode = 'fail';
    await bus.announce(['soundtrack-1']);
    await bus.announce(['godspeed']);
    expect(bus.unmoved()).toBe(true);
    // The other replicas are told to pass it by too; the series are not known to have been the only ones.
    expect(redis.published.at(-1)).toEqual({ origin: bus.origin, generation: 1, series: null, moved: false });
    expect(logs.filter((line) => line.includes('could not move the shared write generation'))).toHaveLength(1);
    redis.state.mode = 'ok';
    await bus.announce([]);
    expect(bus.unmoved()).toBe(false);
    expect(bus.generation()).toBe(2);
    // What this replica derived meanwhile may have missed another's notice: it forgets all of it.
    expect(heard).toEqual([null]);
    expect(logs.filter((line) => line.includes('in use'))).toHaveLength(1);
  });

  it('is not covered by a move asked for before the failed one, even if that one answers after it', async () => {
    const redis = fakeRedis();
    const { bus } = busOn(redis.redis);
    redis.state.mode = 'hang';
    const earlier = bus.announce(['soundtrack-1']);
    expect(bus.unmoved()).toBe(true);
    redis.state.mode = 'fail';
    await bus.announce(['godspeed']);
    redis.waiting.shift()!();
    await earlier;
    expect(bus.unmoved()).toBe(true);
    redis.state.mode = 'ok';
    await bus.announce([]);
    expect(bus.unmoved()).toBe(false);
  });

  it('tries again by itself, backing off, until the generation moves', async () => {
    vi.useFakeTimers();
    const redis = fakeRedis();
    const { bus } = busOn(redis.redis);
    redis.state.mode = 'fail';
    await bus.announce(['soundtrack-1']);
    await vi.advanceTimersByTimeAsync(250);
    await vi.advanceTimersByTimeAsync(500);
    expect(redis.state.incrs).toBe(3);
    // The others were told once, by the write's own failure: a retry carries no write, and each notice would
    // have them forget what they derived again.
    expect(redis.published.filter((notice) => !notice.moved)).toHaveLength(1);
    expect(bus.unmoved()).toBe(true);
    redis.state.mode = 'ok';
    await vi.advanceTimersByTimeAsync(1_000);
    expect(bus.unmoved()).toBe(false);
    expect(redis.published.at(-1)).toMatchObject({ moved: true, series: null });
    // Nothing more is tried once it moved.
    const count = redis.published.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(redis.published).toHaveLength(count);
  });

  it("passes the cache by on another replica's notice that its write did not move, until a move of its own", async () => {
    vi.useFakeTimers();
    const redis = fakeRedis();
    const { bus, heard } = busOn(redis.redis);
    redis.fromOther({ origin: 'replica-a', generation: 0, series: ['soundtrack-1'], moved: false });
    expect(bus.unmoved()).toBe(true);
    expect(heard).toEqual([['soundtrack-1']]);
    // A moved notice of the other replica could have been asked for before that write: it does not cover it.
    redis.fromOther({ origin: 'replica-a', generation: 5, series: [], moved: true });
    expect(bus.unmoved()).toBe(true);
    await vi.advanceTimersByTimeAsync(250);
    expect(bus.unmoved()).toBe(false);
    // Its own move goes past the 5 it heard of.
    expect(bus.generation()).toBe(6);
  });

  it('does not wait for Redis during an outage: the move it sends covers the write once Redis runs it', async () => {
    const redis = fakeRedis();
    const { bus, logs } = busOn(redis.redis);
    await bus.announce([]);
    redis.state.up = false;
    redis.state.mode = 'hang';
    const notices = redis.published.length;
    await bus.announce(['soundtrack-1']);
    expect(bus.unmoved()).toBe(true);
    expect(redis.published).toHaveLength(notices);
    // The outage was logged by the connection: nothing more here.
    expect(logs).toEqual([]);
    // Redis is back and runs the move it held: that covers the write, and the others are told.
    redis.state.up = true;
    redis.waiting.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(bus.unmoved()).toBe(false);
    expect(redis.published.at(-1)).toMatchObject({ origin: bus.origin, moved: true, series: ['soundtrack-1'] });
  });

  it("during an outage, a move that fails leaves the write to the move the outage's end asks for", async () => {
    const redis = fakeRedis();
    const { bus } = busOn(redis.redis);
    await bus.announce([]);
    redis.state.up = false;
    redis.state.mode = 'fail';
    await bus.announce(['soundtrack-1']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(bus.unmoved()).toBe(true);
    redis.state.up = true;
    redis.state.mode = 'ok';
    await bus.announce(null, true);
    expect(bus.unmoved()).toBe(false);
  });

  it('passes the cache by while a move is under way, as right after a write', async () => {
    const redis = fakeRedis();
    const { bus } = busOn(redis.redis);
    await bus.announce([]);
    expect(bus.unmoved()).toBe(false);
    redis.state.mode = 'hang';
    const move = bus.announce(['soundtrack-1']);
    expect(bus.unmoved()).toBe(true);
    redis.waiting.shift()!();
    await move;
    expect(bus.unmoved()).toBe(false);
  });
});

describe('the shared write generation, when its key was lost (deleted, evicted)', () => {
  it('moves past every generation the replica knows, not back to one its keys met before the write', async () => {
    const redis = fakeRedis();
    const { bus } = busOn(redis.redis);
    await bus.announce([]);
    await bus.announce(['soundtrack-1']);
    expect(bus.generation()).toBe(2);
    redis.state.generation = 0;
    await bus.announce(['godspeed']);
    expect(bus.generation()).toBe(3);
    expect(redis.state.generation).toBe(3);
    expect(redis.published.at(-1)).toMatchObject({ generation: 3, series: ['godspeed'], moved: true });
    expect(bus.unmoved()).toBe(false);
  });
});
