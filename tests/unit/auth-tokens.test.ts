import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clientKey } from '../../src/auth/clients.js';
import { createToken } from '../../src/auth/create-token.js';
import { loadTokens } from '../../src/auth/token-config.js';
import { authenticate, createRequestAuthenticator, parseBearer } from '../../src/auth/verify.js';
import { loadConfig } from '../../src/config/environment.js';
import { issueTokens } from '../support/tokens.js';

const hex = (token: string) => createHash('sha256').update(token).digest('hex');
const entry = (overrides: Record<string, unknown> = {}) => ({
  name: 'wiki-bot',
  sha256: hex('dg_secret'),
  scopes: ['write:story'],
  ...overrides,
});
const inline = (entries: unknown) => ({ DRAMA_TOKENS: JSON.stringify(entries) });

describe('parseBearer', () => {
  it('reads exactly "Bearer <token>"', () => {
    expect(parseBearer('Bearer dg_abc-_.~+/9=')).toEqual({ kind: 'bearer', token: 'dg_abc-_.~+/9=' });
    expect(parseBearer('bearer dg_abc')).toEqual({ kind: 'bearer', token: 'dg_abc' });
  });

  it('treats a missing header as no credentials', () => {
    expect(parseBearer(null)).toEqual({ kind: 'none' });
  });

  it.each([
    ['empty', ''],
    ['scheme only', 'Bearer'],
    ['scheme and space', 'Bearer '],
    ['another scheme', 'Basic d2lraTpib3Q='],
    ['two spaces', 'Bearer  dg_abc'],
    ['trailing space', 'Bearer dg_abc '],
    ['two tokens', 'Bearer dg_a dg_b'],
    ['two headers, joined by Headers', 'Bearer dg_a, Bearer dg_b'],
    ['a quote', 'Bearer "dg_a"'],
    ['too long', `Bearer ${'a'.repeat(513)}`],
  ])('refuses a malformed header: %s', (_what, header) => {
    expect(parseBearer(header).kind).toBe('malformed');
  });
});

describe('authenticate', () => {
  const issued = issueTokens({ 'wiki-bot': ['write:story'], 'catalogue-sync': ['write:catalog', 'admin'] });

  it('finds the viewer of a configured token among several', () => {
    expect(authenticate(issued.tokens, `Bearer ${issued.secrets['catalogue-sync']}`)).toEqual({
      ok: true,
      viewer: { kind: 'token', tokenName: 'catalogue-sync', scopes: ['write:catalog', 'admin'] },
    });
    expect(authenticate(issued.tokens, `Bearer ${issued.secrets['wiki-bot']}`)).toMatchObject({
      ok: true,
      viewer: { tokenName: 'wiki-bot' },
    });
  });

  it('is anonymous without a header', () => {
    expect(authenticate(issued.tokens, null)).toEqual({ ok: true, viewer: { kind: 'anonymous' } });
  });

  it('refuses a wrong token, a near miss, and any token when none is configured', () => {
    const secret = issued.secrets['wiki-bot']!;
    expect(authenticate(issued.tokens, 'Bearer dg_wrong')).toEqual({
      ok: false,
      reason: expect.stringContaining('not one this service accepts'),
    });
    expect(authenticate(issued.tokens, `Bearer ${secret.slice(0, -1)}`).ok).toBe(false);
    expect(authenticate(issued.tokens, `Bearer ${secret}x`).ok).toBe(false);
    expect(authenticate([], `Bearer ${secret}`).ok).toBe(false);
  });

  it('refuses a malformed header, even one that holds a valid token', () => {
    const secret = issued.secrets['wiki-bot']!;
    expect(authenticate(issued.tokens, `Token ${secret}`).ok).toBe(false);
    expect(authenticate(issued.tokens, `Bearer ${secret}, Bearer ${secret}`).ok).toBe(false);
  });

  it('verifies each request once, however many plugins ask', () => {
    const authenticateRequest = createRequestAuthenticator(issued.tokens);
    const request = new Request('http://drama.test/graphql', { headers: issued.bearer('wiki-bot') });
    expect(authenticateRequest(request)).toBe(authenticateRequest(request));
  });
});

describe('the rate-limit key', () => {
  const issued = issueTokens({ 'wiki-bot': ['write:story'] });
  const from = { req: { socket: { remoteAddress: '10.0.0.1' } } };
  const keyOf = (header: string | null) =>
    clientKey(authenticate(issued.tokens, header), from.req.socket.remoteAddress);

  it('is the token name for a verified token, else the IP, so made-up tokens share one bucket', () => {
    expect(keyOf(`Bearer ${issued.secrets['wiki-bot']}`)).toBe('token:wiki-bot');
    expect(keyOf(null)).toBe('ip:10.0.0.1');
    expect(keyOf('Bearer dg_made-up')).toBe('ip:10.0.0.1');
    expect(keyOf('Bearer')).toBe('ip:10.0.0.1');
  });
});

describe('createToken', () => {
  it('makes a random dg_ token whose entry holds only its sha256, and the token verifies', () => {
    const { token, entry: made } = createToken('wiki-bot', ['write:story', 'write:catalog']);
    expect(token).toMatch(/^dg_[A-Za-z0-9_-]{43}$/);
    expect(made).toEqual({ name: 'wiki-bot', sha256: hex(token), scopes: ['write:story', 'write:catalog'] });
    expect(JSON.stringify(made)).not.toContain(token.slice(3));
    expect(createToken('wiki-bot', ['admin']).token).not.toBe(token);
    expect(authenticate(loadTokens(inline([made])), `Bearer ${token}`)).toMatchObject({
      ok: true,
      viewer: { tokenName: 'wiki-bot' },
    });
  });

  it('refuses unknown scopes and bad names', () => {
    expect(() => createToken('wiki-bot', ['write:stroy'])).toThrow(/write:catalog/);
    expect(() => createToken('wiki bot', ['admin'])).toThrow(/name/);
  });
});

describe('token configuration', () => {
  it('has no tokens when neither variable is set', () => {
    expect(loadTokens({})).toEqual([]);
  });

  it('reads DRAMA_TOKENS_FILE and DRAMA_TOKENS together, keeping only hashes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'drama-tokens-'));
    try {
      const file = path.join(dir, 'tokens.json');
      await writeFile(file, JSON.stringify([entry()]));
      const tokens = loadTokens({
        DRAMA_TOKENS_FILE: file,
        ...inline([entry({ name: 'admin-cli', sha256: hex('dg_other'), scopes: ['admin'] })]),
      });
      expect(tokens.map((token) => [token.name, token.sha256.toString('hex'), token.scopes])).toEqual([
        ['wiki-bot', hex('dg_secret'), ['write:story']],
        ['admin-cli', hex('dg_other'), ['admin']],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['not JSON', '[{', /DRAMA_TOKENS[\s\S]*not JSON/],
    ['not a list', '{}', /\(root\): .*array/],
    ['a bad hash', JSON.stringify([entry({ sha256: 'abc' })]), /0\.sha256: sha256 is the 64 hex digits/],
    ['an unknown scope', JSON.stringify([entry({ scopes: ['write:everything'] })]), /0\.scopes\.0: .*write:catalog/],
    ['no scopes', JSON.stringify([entry({ scopes: [] })]), /0\.scopes: give at least one scope/],
    ['a bad name', JSON.stringify([entry({ name: '' })]), /0\.name: a name is/],
    [
      'a plain token instead of a hash',
      JSON.stringify([{ name: 'x', token: 'dg_secret', scopes: ['admin'] }]),
      /token/,
    ],
    [
      'a name twice',
      JSON.stringify([entry(), entry({ sha256: hex('dg_other') })]),
      /name "wiki-bot" is configured twice/,
    ],
    ['a hash twice', JSON.stringify([entry(), entry({ name: 'other' })]), /sha256 [0-9a-f]{12}… is configured twice/],
    [
      'a key given twice (JSON keeps the last)',
      `[{"name":"wiki-bot","sha256":"${hex('dg_secret')}","scopes":["admin"],"scopes":["read"]}]`,
      /0\.scopes is given twice in one object/,
    ],
    ['a key given twice as escapes', '[{"name":"a","n\\u0061me":"b"}]', /0\.name is given twice/],
    ['nesting too deep to check', `${'['.repeat(5000)}${']'.repeat(5000)}`, /deeper than 100 levels/],
  ])('fails startup with a clear message for %s', (_what, text, message) => {
    expect(() => loadTokens({ DRAMA_TOKENS: text })).toThrow(/^Invalid token configuration/);
    expect(() => loadTokens({ DRAMA_TOKENS: text })).toThrow(message);
  });

  it('names an unreadable DRAMA_TOKENS_FILE', () => {
    expect(() => loadTokens({ DRAMA_TOKENS_FILE: '/nonexistent/tokens.json' })).toThrow(
      /DRAMA_TOKENS_FILE \/nonexistent\/tokens\.json[\s\S]*cannot read it/,
    );
  });

  it('is part of the service configuration', () => {
    expect(loadConfig(inline([entry()])).tokens.map((token) => token.name)).toEqual(['wiki-bot']);
    expect(() => loadConfig({ DRAMA_TOKENS: '[{"name":"x"}]' })).toThrow(
      /Invalid token configuration \(DRAMA_TOKENS\)/,
    );
  });
});
