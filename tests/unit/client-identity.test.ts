import { describe, expect, it } from 'vitest';
import { clientIdentity } from '../../src/auth/clients.js';
import { createRequestAuthenticator } from '../../src/auth/verify.js';
import { parseOpsSettings } from '../../src/config/settings.js';
import { issueTokens } from '../support/tokens.js';

const issued = issueTokens({ 'wiki-bot': ['write:story'] });
const authenticate = createRequestAuthenticator(issued.tokens);

/** The client key of a request from `socket` carrying these headers, read through `hops` proxies. */
function keyOf(hops: number, headers: Record<string, string>, socket: string | null = '10.0.0.9') {
  const request = new Request('http://drama.test/graphql', { headers });
  return clientIdentity(authenticate, hops)(
    request,
    socket === null ? {} : { req: { socket: { remoteAddress: socket } } },
  );
}

describe('the client of a request behind TRUST_PROXY_HOPS proxies (X-Forwarded-For)', () => {
  it('takes the address the nearest proxies appended, not what the client wrote before them', () => {
    expect(keyOf(1, { 'x-forwarded-for': '203.0.113.7' })).toBe('ip:203.0.113.7');
    expect(keyOf(1, { 'x-forwarded-for': '1.1.1.1, 2.2.2.2 , 203.0.113.7' })).toBe('ip:203.0.113.7');
    expect(keyOf(2, { 'x-forwarded-for': '1.1.1.1, 203.0.113.7, 10.0.0.8' })).toBe('ip:203.0.113.7');
    expect(keyOf(1, { 'x-forwarded-for': '2001:db8::1' })).toBe('ip:2001:db8::1');
  });

  it('ignores the header with no proxies, so a client cannot choose its own bucket', () => {
    expect(keyOf(0, { 'x-forwarded-for': '203.0.113.7' })).toBe('ip:10.0.0.9');
  });

  it('falls back to the socket address on too few entries, an entry that is not an address, or none', () => {
    expect(keyOf(2, { 'x-forwarded-for': '203.0.113.7' })).toBe('ip:10.0.0.9');
    expect(keyOf(1, {})).toBe('ip:10.0.0.9');
    for (const header of [
      '',
      ',',
      '203.0.113.7,',
      '__proto__',
      'constructor',
      'unknown',
      '203.0.113.7:443',
      '[2001:db8::1]',
      '999.1.1.1',
      // Header values arrive as Latin-1: a zero-width space sent as UTF-8, and a digit that is not ASCII.
      '\u00bd.1.1.1',
      '203.0.113.7\u00e2\u0080\u008b',
    ])
      expect(keyOf(1, { 'x-forwarded-for': header }), header).toBe('ip:10.0.0.9');
    // In process there is no socket: the header alone is not believed either.
    expect(keyOf(1, { 'x-forwarded-for': '203.0.113.7' }, null)).toBe('ip:local');
  });

  it('reads only the entries it needs from a huge header', () => {
    const header = `${Array.from({ length: 20_000 }, (_, i) => `10.1.${(i >> 8) & 255}.${i & 255}`).join(',')}, 203.0.113.7`;
    expect(keyOf(1, { 'x-forwarded-for': header })).toBe('ip:203.0.113.7');
  });

  it('a verified token is its own client wherever it comes from; a made-up one counts as its address', () => {
    expect(keyOf(1, { 'x-forwarded-for': '203.0.113.7', ...issued.bearer('wiki-bot') })).toBe('token:wiki-bot');
    expect(keyOf(1, { 'x-forwarded-for': '203.0.113.7', authorization: 'Bearer dg_made-up' })).toBe('ip:203.0.113.7');
  });

  it('TRUST_PROXY_HOPS takes digits from 0 to 8, and nothing else', () => {
    expect(parseOpsSettings({}).data?.proxyHops).toBe(0);
    expect(parseOpsSettings({ TRUST_PROXY_HOPS: '2' }).data?.proxyHops).toBe(2);
    for (const bad of ['9', '-1', '1.5', 'true', ' 1', '0x1', '1e1'])
      expect(parseOpsSettings({ TRUST_PROXY_HOPS: bad }).success, bad).toBe(false);
  });
});
