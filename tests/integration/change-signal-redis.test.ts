import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RedisHandle, startRedis } from '../../scripts/redis.mjs';
import { type ChangeSignal, redisSignal } from '../../src/feed/signal.js';
import { redisDeliveryState } from '../../src/feed/webhooks/state.js';
import { createLogger } from '../../src/logger.js';
import { connectRedis, type SharedRedis } from '../../src/redis/connection.js';

const WAIT = { timeout: 30_000, interval: 50 };
const PREFIX = 'signal-test:';

/** Two replicas' signals over one Redis of this test's own, which it stops and starts again. */
describe('the change signal across replicas when Redis goes away and comes back', () => {
  let redis: RedisHandle;
  let sharedA: SharedRedis;
  let sharedB: SharedRedis;
  let a: ChangeSignal;
  let b: ChangeSignal;
  let inspect: Redis;
  beforeAll(async () => {
    redis = await startRedis();
    inspect = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    inspect.on('error', () => undefined);
    sharedA = connectRedis({ url: redis.url, prefix: PREFIX, logger: createLogger('silent') });
    sharedB = connectRedis({ url: redis.url, prefix: PREFIX, logger: createLogger('silent') });
    expect(await sharedA.whenUp(30_000)).toBe(true);
    expect(await sharedB.whenUp(30_000)).toBe(true);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await sharedA?.close();
    await sharedB?.close();
    inspect?.disconnect();
    await redis?.stop();
  });

  const clients = async () => ((await inspect.client('LIST')) as string).trim().split('\n').length;

  it('opens no connection of its own: the signal and the webhook state use the shared ones, under the same names', async () => {
    const before = await clients();
    a = redisSignal(sharedA);
    b = redisSignal(sharedB);
    const state = redisDeliveryState(sharedA);
    let heard = 0;
    const unlisten = b.listen(() => heard++);
    // The channel is `<prefix>changes`, in full: ioredis's keyPrefix does not apply to channels.
    await vi.waitFor(async () => {
      expect(((await inspect.pubsub('NUMSUB', `${PREFIX}changes`)) as [string, number])[1]).toBe(1);
    }, WAIT);
    const raw = new Redis(redis.url);
    const heardRaw: string[] = [];
    raw.on('message', (channel: string) => heardRaw.push(channel));
    await raw.subscribe(`${PREFIX}changes`);
    a.notify();
    await vi.waitFor(() => {
      expect(heard).toBeGreaterThan(0);
      expect(heardRaw).toContain(`${PREFIX}changes`);
    }, WAIT);
    raw.disconnect();
    unlisten();
    // Keys `<prefix>webhooks:webhook:<id>:…`, prefixed once, scripts' keys included.
    const status = {
      deliveredCursor: 7,
      consecutiveFailures: 0,
      failing: false,
      lastError: null,
      lastSuccessAt: 1,
    };
    await state.saveStatus('my-wiki', status);
    await state.saveStatus('my-wiki', { ...status, deliveredCursor: 3 });
    expect(await state.status('my-wiki')).toEqual(status);
    expect(await state.lease('my-wiki', 'replica-a', 60_000)).toBe(true);
    expect(await state.lease('my-wiki', 'replica-b', 60_000)).toBe(false);
    expect((await inspect.keys(`${PREFIX}*`)).sort()).toEqual(
      expect.arrayContaining([`${PREFIX}webhooks:webhook:my-wiki:lease`, `${PREFIX}webhooks:webhook:my-wiki:status`]),
    );
    expect(await inspect.keys(`${PREFIX}${PREFIX}*`)).toEqual([]);
    expect(JSON.parse((await inspect.get(`${PREFIX}webhooks:webhook:my-wiki:status`))!)).toEqual(status);
    await state.release('my-wiki', 'replica-a');
    expect(await inspect.exists(`${PREFIX}webhooks:webhook:my-wiki:lease`)).toBe(0);
    await state.close();
    expect(await clients()).toBe(before);
  });

  it("hears A's signals on B, survives an outage without throwing, counts it once, and hears them again once Redis is back", async () => {
    let heard = 0;
    const unlisten = b.listen(() => heard++);
    // The subscription is set up asynchronously: signal until B hears one.
    await vi.waitFor(() => {
      a.notify();
      expect(heard).toBeGreaterThan(0);
    }, WAIT);

    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const outages = sharedA.outages();
    try {
      await redis.stopServer();
      for (let i = 0; i < 20; i++) expect(() => a.notify()).not.toThrow();
      // The outage shows in the shared health (redis_up, redis_outages_total), once.
      await vi.waitFor(() => expect(sharedA.up()).toBe(false), WAIT);
      await redis.startServer();
      const before = heard;
      await vi.waitFor(() => {
        a.notify();
        expect(heard).toBeGreaterThan(before);
      }, WAIT);
      expect(sharedA.up()).toBe(true);
      expect(sharedA.outages()).toBe(outages + 1);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      unlisten();
    }
  });
});
