import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { errorCodes, graphql } from '../support/graphql.js';
import { type OpsService, opsService, post, URL_BASE } from '../support/ops.js';
import { issueTokens } from '../support/tokens.js';

const TITLE = '{ series(slug: "soundtrack-1") { title } }';
const issued = issueTokens({ 'wiki-bot': ['write:story'], 'catalogue-sync': ['write:catalog'] });

let service: OpsService;
beforeAll(async () => {
  service = await opsService();
});
afterAll(() => service.dispose());

describe('bearer tokens over HTTP', () => {
  it('reads anonymously without a token, and with a valid one', async () => {
    const yoga = service.yoga({ tokens: issued.tokens });
    expect((await graphql(yoga, TITLE)).data).toEqual({ series: { title: 'Soundtrack #1' } });
    expect((await graphql(yoga, TITLE, undefined, issued.bearer('wiki-bot'))).data).toEqual({
      series: { title: 'Soundtrack #1' },
    });
  });

  it.each([
    ['an unknown token', 'Bearer dg_made-up'],
    ['a malformed header', 'Bearer'],
    ['another scheme', 'Basic d2lraTpib3Q='],
    ['two tokens', `Bearer ${issued.secrets['wiki-bot']}, Bearer ${issued.secrets['catalogue-sync']}`],
  ])(
    'refuses %s with 401 UNAUTHENTICATED and WWW-Authenticate, before any store call, reads included',
    async (_what, authorization) => {
      const yoga = service.yoga({ tokens: issued.tokens });
      const before = service.store.roundTrips;
      const response = await yoga.fetch(`${URL_BASE}/graphql`, post({ query: TITLE }, { authorization }));
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
      const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(errorCodes(body as never)).toEqual(['UNAUTHENTICATED']);
      expect(body.errors[0]!.message).not.toContain('dg_');
      expect(service.store.roundTrips).toBe(before);
    },
  );

  it('accepts no token at all when none is configured', async () => {
    const response = await graphql(service.yoga(), TITLE, undefined, issued.bearer('wiki-bot'));
    expect(response.status).toBe(401);
  });
});

describe('the rate limit with tokens', () => {
  it('gives each verified token a bucket of its own, and keeps anonymous and invalid tokens on their IP', async () => {
    const yoga = service.yoga({ tokens: issued.tokens, ops: { rateLimit: { max: 2, windowMs: 30_000 } } });
    const from = (remoteAddress: string) => ({ req: { socket: { remoteAddress } } });
    const send = (headers: Record<string, string>, ip = '10.0.0.1') =>
      yoga.fetch(`${URL_BASE}/graphql`, post({ query: TITLE }, headers), from(ip));
    expect((await send(issued.bearer('wiki-bot'))).status).toBe(200);
    expect((await send(issued.bearer('wiki-bot'), '10.0.0.2')).status).toBe(200);
    expect((await send(issued.bearer('wiki-bot'), '10.0.0.3')).status).toBe(429);
    expect((await send(issued.bearer('catalogue-sync'))).status).toBe(200);
    expect((await send({})).status).toBe(200);
    expect((await send({ authorization: 'Bearer dg_made-up' })).status).toBe(401);
    expect((await send({ authorization: 'Bearer dg_another-made-up' })).status).toBe(429);
    expect((await send({})).status).toBe(429);
    expect((await send({}, '10.0.0.4')).status).toBe(200);
  });
});

describe('logs with tokens', () => {
  it('never carry a token or the Authorization header, whether the token is valid or not', async () => {
    const lines: string[] = [];
    const logger = createLogger('trace', { write: (line: string) => void lines.push(line) });
    const yoga = service.yoga({ tokens: issued.tokens, logger });
    const valid = issued.secrets['wiki-bot']!;
    const invalid = 'dg_an-invalid-token-that-must-not-be-logged';
    await yoga.fetch(
      `${URL_BASE}/graphql`,
      post({ query: 'query Title { series(slug: "soundtrack-1") { title } }' }, { authorization: `Bearer ${valid}` }),
    );
    await yoga.fetch(`${URL_BASE}/graphql`, post({ query: '{ nosuchfield }' }, { authorization: `Bearer ${valid}` }));
    await yoga.fetch(`${URL_BASE}/graphql`, post({ query: TITLE }, { authorization: `Bearer ${invalid}` }));
    logger.info(
      { headers: { authorization: `Bearer ${valid}` }, req: { headers: { authorization: `Bearer ${valid}` } } },
      'careless',
    );
    const output = lines.join('\n');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(output).toContain('"status":401');
    expect(output).not.toContain(valid);
    expect(output).not.toContain(valid.slice(3));
    expect(output).not.toContain(invalid);
    expect(output.toLowerCase()).not.toContain('bearer');
  });
});
