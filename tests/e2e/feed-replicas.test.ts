import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { readEvents } from '../support/feed.js';
import { type FeedReplicas, feedReplicas, isRunning } from '../support/feed-replicas.js';
import { postQuery, type RunningServer, stopServerProcess } from '../support/server-process.js';
import { type Receiver, startReceiver } from '../support/webhook-receiver.js';

const SOURCE = { document: 'Replica fixture', paragraph: 1 };
const UPSERT_PERSON = `mutation($input: UpsertPersonInput!) { upsertPerson(input: $input) { __typename } }`;
const SECRET = 'replica-webhook-secret-0123456789';
/** Longer than any wait here: a change that arrives came through Redis pub/sub, not the subscription's poll. */
const NO_POLL = { CHANGE_FEED_POLL_MS: '600000' };

describe.skipIf(inject('neo4j') === null)('the change feed across replicas over Neo4j and Redis', () => {
  let replicas: FeedReplicas;
  let dir: string;
  beforeAll(async () => {
    replicas = await feedReplicas();
    dir = await mkdtemp(path.join(tmpdir(), 'drama-feed-replicas-'));
  });
  afterAll(async () => {
    await replicas?.stopAll();
    await rm(dir, { recursive: true, force: true });
  });

  const writePerson = async (server: RunningServer, slug: string) => {
    const response = await postQuery(
      server.url,
      UPSERT_PERSON,
      { input: { slug, name: slug, source: SOURCE } },
      replicas.adminBearer,
    );
    expect(response.data?.upsertPerson?.__typename, JSON.stringify(response)).toBe('UpsertPersonSuccess');
  };

  const subscribe = (server: RunningServer, headers: Record<string, string> = {}, after: string | null = null) =>
    fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
      body: JSON.stringify({
        query: 'subscription($after: String) { changes(after: $after, types: [PERSON]) { cursor key } }',
        variables: { after },
      }),
    });

  it('gives a subscriber on B the writes made on A, and on resume everything it missed, in order', async () => {
    const [a, b] = await Promise.all([replicas.start(NO_POLL), replicas.start(NO_POLL)]);
    const stream = await subscribe(b);
    expect(stream.status).toBe(200);
    const live = readEvents(stream, (events) => events.length >= 2);
    // The subscription starts listening as it opens; the first write may race it, so write until two arrive.
    await writePerson(a, 'replica-live-1');
    await writePerson(a, 'replica-live-2');
    const events = await live;
    expect(events.map((e) => e.data.data.changes.key)).toEqual(['replica-live-1', 'replica-live-2']);

    // Disconnected (the stream was cancelled): writes on A meanwhile, then resume on B with Last-Event-ID.
    const missed = ['replica-missed-1', 'replica-missed-2', 'replica-missed-3'];
    for (const slug of missed) await writePerson(a, slug);
    const resumed = await readEvents(await subscribe(b, { 'last-event-id': events[0]!.id! }), (e) => e.length >= 4);
    expect(resumed.map((e) => e.data.data.changes.key)).toEqual(['replica-live-2', ...missed]);
    const ids = resumed.map((e) => e.id);
    expect(ids).toEqual(resumed.map((e) => e.data.data.changes.cursor));
    await Promise.all([stopServerProcess(a), stopServerProcess(b)]);
  }, 300_000);

  it('delivers each of a burst of 500 writes to a webhook, signed, while the delivering replica is killed with -9', async () => {
    const receiver: Receiver = await startReceiver(SECRET);
    try {
      const file = path.join(dir, 'webhooks.json');
      writeFileSync(
        file,
        JSON.stringify({
          endpoints: [{ id: 'wiki', url: receiver.url, secret: SECRET, filter: { types: ['PERSON'] } }],
        }),
      );
      const hooks = { WEBHOOKS_FILE: file, WEBHOOK_LEASE_MS: '2000', CHANGE_FEED_POLL_MS: '500' };
      // A starts first and takes the endpoint's lease; B writes, and takes over once A is gone.
      const a = await replicas.start(hooks);
      await vi.waitFor(() => expect(a.logs.some((line) => line.includes('webhooks started'))).toBe(true));
      const b = await replicas.start(hooks);
      const slugs = Array.from({ length: 500 }, (_, i) => `burst-${i}`);
      let killed = false;
      let next = 0;
      // A few writers at once, as a wiki's editors would be; A dies once deliveries are under way.
      const writer = async () => {
        while (next < slugs.length) {
          const i = next++;
          await writePerson(b, slugs[i]!);
          if (!killed && i >= 100 && receiver.deliveries.length > 0) {
            killed = true;
            a.child.kill('SIGKILL');
          }
        }
      };
      await Promise.all(Array.from({ length: 6 }, writer));
      expect(killed).toBe(true);
      expect(isRunning(a)).toBe(false);
      const delivered = () => new Set(receiver.deliveries.map((d) => d.cursor));
      await vi.waitFor(() => expect(delivered().size).toBe(500), { timeout: 120_000, interval: 200 });
      expect(new Set(receiver.deliveries.map((d) => d.body.key))).toEqual(new Set(slugs));
      expect(receiver.deliveries.every((d) => d.signatureValid)).toBe(true);
      expect(receiver.deliveries.every((d) => d.cursor === d.body.cursor)).toBe(true);
      await stopServerProcess(b);
    } finally {
      await receiver.close();
    }
  }, 600_000);
});
