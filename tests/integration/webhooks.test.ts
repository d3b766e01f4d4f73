import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NO_EXTERNAL_IDS, personRecord } from '../../src/domain/build.js';
import { changeSet } from '../../src/domain/integrity/changes.js';
import { inProcessSignal } from '../../src/feed/signal.js';
import type { WebhookEndpoint } from '../../src/feed/webhooks/config.js';
import { WebhookDispatcher, type WebhookSettings } from '../../src/feed/webhooks/dispatcher.js';
import { fileDeliveryState } from '../../src/feed/webhooks/state.js';
import { createLogger } from '../../src/logger.js';
import { type EmbeddedStore, openEmbeddedStore } from '../../src/store/embedded/index.js';
import { createDramaYoga } from '../../src/yoga.js';
import { graphql } from '../support/graphql.js';
import { type Receiver, startReceiver } from '../support/webhook-receiver.js';
import { WRITERS } from '../support/writes.js';

const SECRET = 'webhook-test-secret-0123456789';
const SETTINGS: WebhookSettings = {
  maxFailures: 3,
  backoffMs: 10,
  maxBackoffMs: 50,
  timeoutMs: 10_000,
  leaseMs: 60_000,
  pollMs: 100,
};
const WAIT = { timeout: 60_000, interval: 50 };

describe('webhooks from the change log (embedded store, one process)', () => {
  let dataDir: string;
  let store: EmbeddedStore;
  let receiver: Receiver;
  let broken: Receiver;
  const signal = inProcessSignal();
  let endpoints: WebhookEndpoint[];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'drama-webhooks-'));
    store = await openEmbeddedStore({ dataDir: path.join(dataDir, 'data') });
    receiver = await startReceiver(SECRET);
    broken = await startReceiver(SECRET);
    broken.failWith = () => 503;
    endpoints = [
      { id: 'all', url: receiver.url, secret: SECRET, series: null, collections: null },
      { id: 'broken', url: broken.url, secret: SECRET, series: null, collections: null },
      { id: 'closed-port', url: 'http://127.0.0.1:9/hook', secret: SECRET, series: null, collections: ['series'] },
    ];
  });
  afterAll(async () => {
    await receiver?.close();
    await broken?.close();
    await store?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const writePeople = async (from: number, count: number) => {
    for (let i = from; i < from + count; i++) {
      const person = personRecord({
        slug: `hook-person-${i}`,
        name: `Person ${i}`,
        nativeName: null,
        externalIds: NO_EXTERNAL_IDS,
        sources: [{ document: 'x', paragraph: null }],
      });
      await store.applyChanges(changeSet({ upserts: { people: [person] } }), 'writer-token');
      signal.notify();
    }
  };

  const dispatcher = () =>
    new WebhookDispatcher(
      store,
      endpoints,
      fileDeliveryState(path.join(dataDir, 'state.json')),
      signal,
      SETTINGS,
      createLogger('silent'),
    );

  it('logs an outage of its delivery state once when it starts and once when it ends, not once per poll', async () => {
    const lines: string[] = [];
    const logger = {
      warn: (_fields: unknown, message: string) => lines.push(`warn ${message}`),
      info: (_fields: unknown, message: string) => lines.push(`info ${message}`),
      error: (_fields: unknown, message: string) => lines.push(`error ${message}`),
      debug: () => undefined,
    } as unknown as ReturnType<typeof createLogger>;
    const healthy = fileDeliveryState(path.join(dataDir, 'outage-state.json'));
    let failuresLeft = 6;
    const flaky = {
      ...healthy,
      status: healthy.status.bind(healthy),
      saveStatus: healthy.saveStatus.bind(healthy),
      release: healthy.release.bind(healthy),
      close: healthy.close.bind(healthy),
      lease: (id: string, owner: string, ttlMs: number) => {
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          return Promise.reject(new Error('Redis is away'));
        }
        return healthy.lease(id, owner, ttlMs);
      },
    };
    const outage = new WebhookDispatcher(store, [endpoints[0]!], flaky, signal, SETTINGS, logger);
    outage.start();
    await vi.waitFor(() => expect(lines).toContain('info webhook delivery resumed'), WAIT);
    await outage.stop();
    expect(failuresLeft).toBe(0);
    expect(lines.filter((line) => line === 'warn webhook delivery paused')).toHaveLength(1);
    expect(lines.filter((line) => line === 'info webhook delivery resumed')).toHaveLength(1);
  });

  it('delivers every change once acknowledged, signed, in order, and resumes from the saved cursor after a restart', async () => {
    const first = dispatcher();
    first.start();
    // A new endpoint starts from now: wait until it has taken its starting cursor.
    await vi.waitFor(async () => expect((await first.statuses())[0]!.deliveredCursor).not.toBeNull(), WAIT);
    await writePeople(0, 30);
    await vi.waitFor(() => expect(receiver.deliveries).toHaveLength(30), WAIT);
    await first.stop();

    // Written while no dispatcher runs: the next one delivers them from the log.
    await writePeople(30, 20);
    const second = dispatcher();
    second.start();
    await vi.waitFor(() => expect(receiver.deliveries).toHaveLength(50), WAIT);

    const keys = receiver.deliveries.map((d) => d.body.key);
    expect(keys).toEqual(Array.from({ length: 50 }, (_, i) => `hook-person-${i}`));
    expect(receiver.deliveries.every((d) => d.signatureValid)).toBe(true);
    expect(receiver.deliveries.every((d) => d.cursor === d.body.cursor)).toBe(true);
    expect(receiver.deliveries[0]!.body).toMatchObject({
      operation: 'UPSERT',
      type: 'PERSON',
      actor: 'writer-token',
      series: null,
    });

    // The failing endpoint is marked so after WEBHOOK_MAX_FAILURES attempts, and keeps being retried.
    await vi.waitFor(async () => {
      const status = (await second.statuses()).find((s) => s.id === 'broken')!;
      expect(status.failing).toBe(true);
      expect(status.consecutiveFailures).toBeGreaterThanOrEqual(3);
      expect(status.lastError).toBe('HTTP 503');
    }, WAIT);
    const yoga = createDramaYoga({ store, tokens: WRITERS.tokens, webhooks: second });
    const metrics = await (await yoga.fetch('http://drama.test/metrics')).text();
    expect(metrics).toMatch(/webhook_endpoint_failing\{endpoint="broken"\} 1/);
    expect(metrics).toMatch(/webhook_endpoint_failing\{endpoint="all"\} 0/);
    const query = '{ webhookEndpoints { id url failing consecutiveFailures deliveredCursor lastError } }';
    const admin = await graphql(yoga, query, {}, WRITERS.bearer('admin'));
    expect(admin.data!.webhookEndpoints.map((e: { id: string; failing: boolean }) => [e.id, e.failing])).toEqual([
      ['all', false],
      ['broken', true],
      ['closed-port', false],
    ]);
    expect(JSON.stringify(admin)).not.toContain(SECRET);
    const anonymous = await graphql(yoga, query);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const writer = await graphql(yoga, query, {}, WRITERS.bearer('story'));
    expect(writer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // Once it answers again, it gets every change it missed and is no longer failing.
    broken.failWith = null;
    await vi.waitFor(() => expect(broken.deliveries).toHaveLength(50), WAIT);
    expect(broken.deliveries.map((d) => d.body.key)).toEqual(keys);
    await vi.waitFor(
      async () => expect((await second.statuses()).find((s) => s.id === 'broken')!.failing).toBe(false),
      WAIT,
    );
    await second.stop();
  });
});
