import { describe, expect, it } from 'vitest';
import { negotiateEncoding, staticCompressionCache } from '../../src/plugins/compression.js';

describe('Accept-Encoding negotiation', () => {
  const cases: [string | null, string | undefined][] = [
    [null, undefined],
    ['', undefined],
    ['br', 'br'],
    ['gzip', 'gzip'],
    ['identity', undefined],
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip,br', 'br'],
    ['  BR  ', 'br'],
    ['GZip', 'gzip'],
    ['br;q=0.5, gzip', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['br; q=0 , gzip;q=0.001', 'gzip'],
    ['br;q=0, gzip;q=0', undefined],
    ['gzip;q=0', undefined],
    ['*', 'br'],
    ['*;q=0', undefined],
    ['gzip, *;q=0', 'gzip'],
    ['br;q=0, *', 'gzip'],
    ['deflate, x-gzip, compress', undefined],
    ['br;q=2', undefined],
    ['br;q=abc, gzip;q=-1', undefined],
    ['br;q=1.0001', undefined],
    ['br;q=0.5;q=0, gzip;q=0.4', 'br'],
    [';;;,,, =, q=1', undefined],
    ['🗜️;q=1, gzip', 'gzip'],
    ['gzip\u0000', undefined],
    ['__proto__, constructor', undefined],
    [`${'x, '.repeat(10_000)}br`, undefined],
  ];
  for (const [header, expected] of cases) {
    it(`${JSON.stringify(header)?.slice(0, 60)} -> ${expected ?? 'identity'}`, () => {
      expect(negotiateEncoding(header)).toBe(expected);
    });
  }
});

describe('static bodies compressed once', () => {
  const counting = () => {
    const calls: string[] = [];
    const squeeze = async (coding: 'br' | 'gzip', body: Buffer) => {
      calls.push(`${coding} ${body.toString()}`);
      return Buffer.from(`${coding}(${body.toString()})`);
    };
    return { calls, squeeze };
  };

  it('compresses each path and coding once while its body stays the same, and again when it changes', async () => {
    const { calls, squeeze } = counting();
    const cache = staticCompressionCache(squeeze);
    for (let i = 0; i < 3; i += 1) {
      expect((await cache('br', '/graphql', Buffer.from('graphiql'))).toString()).toBe('br(graphiql)');
      expect((await cache('br', '/widget', Buffer.from('demo'))).toString()).toBe('br(demo)');
      expect((await cache('gzip', '/widget.js', Buffer.from('script'))).toString()).toBe('gzip(script)');
    }
    expect(calls).toEqual(['br graphiql', 'br demo', 'gzip script']);
    expect((await cache('gzip', '/widget.js', Buffer.from('script v2'))).toString()).toBe('gzip(script v2)');
    expect(calls).toHaveLength(4);
  });

  it('keeps at most its bound, forgetting the least recently sent', async () => {
    const { calls, squeeze } = counting();
    const cache = staticCompressionCache(squeeze, 2);
    await cache('br', '/a', Buffer.from('a'));
    await cache('br', '/b', Buffer.from('b'));
    await cache('br', '/a', Buffer.from('a'));
    await cache('br', '/c', Buffer.from('c'));
    await cache('br', '/a', Buffer.from('a'));
    expect(calls).toEqual(['br a', 'br b', 'br c']);
    await cache('br', '/b', Buffer.from('b'));
    expect(calls).toEqual(['br a', 'br b', 'br c', 'br b']);
  });
});
