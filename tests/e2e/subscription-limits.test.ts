import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DramaYoga } from '../../src/yoga.js';
import { type OpsService, opsService, URL_BASE } from '../support/ops.js';
import { issueTokens } from '../support/tokens.js';

const TOKENS = issueTokens({ wiki: ['write:story'] });
const SUBSCRIBE = JSON.stringify({ query: 'subscription { changes { cursor } }' });

/** Opens an event stream and reads its first chunk, so it is counted as open. */
async function open(yoga: DramaYoga, headers: Record<string, string> = {}) {
  const response = await yoga.fetch(`${URL_BASE}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: SUBSCRIBE,
  });
  if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
    const reader = response.body!.getReader();
    await reader.read();
    return { status: response.status, close: () => reader.cancel() };
  }
  return { status: response.status, body: await response.json(), retryAfter: response.headers.get('retry-after') };
}

/** Opens a stream as `open` does from `address`, its body streamed without a length (the body limit reads it again). */
async function openFrom(yoga: DramaYoga, address: string) {
  const body = new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(SUBSCRIBE));
      controller.close();
    },
  });
  const response = await yoga.fetch(
    `${URL_BASE}/graphql`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body,
      duplex: 'half',
    } as RequestInit,
    { req: { socket: { remoteAddress: address } } },
  );
  if (response.status !== 200) return { status: response.status, close: async () => undefined };
  const reader = response.body!.getReader();
  await reader.read();
  return { status: response.status, close: () => reader.cancel() };
}

describe('event streams held open at once are bounded, in all and per client', () => {
  let service: OpsService;
  let yoga: DramaYoga;
  beforeAll(async () => {
    service = await opsService();
    yoga = service.yoga({ tokens: TOKENS.tokens, ops: { subscriptions: { max: 3, perClient: 2 } } });
  });
  afterAll(() => service.dispose());

  it('refuses a client past its streams with 429, another client past the total with 503, and counts a closed stream out', async () => {
    const first = await open(yoga);
    const second = await open(yoga);
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await open(yoga);
    expect(third.status).toBe(429);
    expect(third.body.errors[0].extensions.code).toBe('SUBSCRIPTION_LIMIT_REACHED');
    expect(third.retryAfter).toBe('5');

    const wiki = await open(yoga, TOKENS.bearer('wiki'));
    expect(wiki.status).toBe(200);
    const full = await open(yoga, TOKENS.bearer('wiki'));
    expect(full.status).toBe(503);
    expect(full.body.errors[0].extensions.code).toBe('SUBSCRIPTIONS_EXHAUSTED');

    await first.close!();
    const again = await open(yoga);
    expect(again.status).toBe(200);
    for (const stream of [second, wiki, again]) await stream.close!();
    const afterAll = await Promise.all([open(yoga), open(yoga, TOKENS.bearer('wiki'))]);
    expect(afterAll.map((s) => s.status)).toEqual([200, 200]);
    for (const stream of afterAll) await stream.close!();
    const metrics = await (await yoga.fetch(`${URL_BASE}/metrics`)).text();
    expect(metrics).toContain('graphql_errors_total{code="SUBSCRIPTION_LIMIT_REACHED"} 1');
    expect(metrics).toContain('graphql_errors_total{code="SUBSCRIPTIONS_EXHAUSTED"} 1');
    expect(metrics).not.toContain('code="RATE_LIMITED"');
  });

  it('counts each address as a client, whatever the body looks like', async () => {
    const many = await Promise.all([
      openFrom(yoga, '10.0.0.1'),
      openFrom(yoga, '10.0.0.1'),
      openFrom(yoga, '10.0.0.2'),
    ]);
    expect(many.map((s) => s.status)).toEqual([200, 200, 200]);
    for (const stream of many) await stream.close();
    const [a, b, c] = [
      await openFrom(yoga, '10.0.0.1'),
      await openFrom(yoga, '10.0.0.1'),
      await openFrom(yoga, '10.0.0.1'),
    ];
    expect([a.status, b.status, c.status]).toEqual([200, 200, 429]);
    for (const stream of [a, b]) await stream.close();
  });

  it('still answers queries and mutations while every stream is taken', async () => {
    const held = [await open(yoga), await open(yoga), await open(yoga, TOKENS.bearer('wiki'))];
    const response = await yoga.fetch(`${URL_BASE}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ series(slug: "godspeed") { title } }' }),
    });
    expect(response.status).toBe(200);
    expect((await response.json()).data.series.title).toBeTruthy();
    for (const stream of held) await stream.close!();
  });
});
