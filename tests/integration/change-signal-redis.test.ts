import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RedisHandle, startRedis } from '../../scripts/redis.mjs';
import { type ChangeSignal, redisSignal } from '../../src/feed/signal.js';
import { createLogger } from '../../src/logger.js';

const WAIT = { timeout: 30_000, interval: 50 };

/** Two replicas' signals over one Redis of this test's own, which it stops and starts again. */
describe('the change signal across replicas when Redis goes away and comes back', () => {
  let redis: RedisHandle;
  let a: ChangeSignal;
  let b: ChangeSignal;
  beforeAll(async () => {
    redis = await startRedis();
    a = redisSignal(redis.url, 'signal-test:changes', createLogger('silent'));
    b = redisSignal(redis.url, 'signal-test:changes', createLogger('silent'));
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
  });

  it("hears A's signals on B, survives an outage without throwing, and hears them again once Redis is back", async () => {
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
    try {
      await redis.stopServer();
      for (let i = 0; i < 20; i++) expect(() => a.notify()).not.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 200));
      await redis.startServer();
      const before = heard;
      await vi.waitFor(() => {
        a.notify();
        expect(heard).toBeGreaterThan(before);
      }, WAIT);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      unlisten();
    }
  });
});
