import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga, type Plugin } from 'graphql-yoga';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { useSendableHeaders } from '../../src/plugins/guard.js';

const setting = (value: string): Plugin => ({
  onResponse: ({ response }) => {
    response.headers.set('x-detail', value);
  },
});

/** A Yoga over Node's HTTP server, as the service runs, with one plugin that sets a header to `value`. */
async function serving(value: string) {
  const yoga = createYoga({
    schema: createSchema({ typeDefs: 'type Query { ok: Boolean }', resolvers: { Query: { ok: () => true } } }),
    logging: false,
    plugins: [setting(value), useSendableHeaders(createLogger('silent'))],
  });
  const server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('a response header Node will not send', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  const ask = async (value: string) => {
    server = await serving(value);
    const { port } = server.address() as AddressInfo;
    return fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: '{ ok }' }),
    });
  };

  for (const value of ['Ω', 'caf\u00e9 \u{1F3AC}', 'a\u0000b', 'x\u007fy']) {
    it(`answers a coded 500 at once for ${JSON.stringify(value)}, instead of leaving the request unanswered`, async () => {
      const response = await ask(value);
      expect(response.status).toBe(500);
      expect(response.headers.get('x-detail')).toBeNull();
      expect(await response.json()).toEqual({
        errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
      });
    });
  }

  it('sends Latin-1 and plain ASCII header values as they are', async () => {
    for (const value of ['plain', 'caf\u00e9']) {
      const response = await ask(value);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: { ok: true } });
      server?.close();
    }
  });
});
