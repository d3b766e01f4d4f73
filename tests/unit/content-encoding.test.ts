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
  const HTML = 'text/html; charset=utf-8';
  const JS = 'text/javascript; charset=utf-8';

  it('compresses each body once per coding, whatever path sent it, and again when it changes', async () => {
    const { calls, squeeze } = counting();
    const cache = staticCompressionCache(squeeze);
    for (let i = 0; i < 3; i += 1) {
      expect((await cache('br', HTML, Buffer.from('graphiql'))).toString()).toBe('br(graphiql)');
      expect((await cache('br', HTML, Buffer.from('demo'))).toString()).toBe('br(demo)');
      expect((await cache('gzip', JS, Buffer.from('script'))).toString()).toBe('gzip(script)');
    }
    expect(calls).toEqual(['br graphiql', 'br demo', 'gzip script']);
    // Same type and length, other bytes: compared, not trusted.
    expect((await cache('gzip', JS, Buffer.from('scripT'))).toString()).toBe('gzip(scripT)');
    expect((await cache('gzip', JS, Buffer.from('script v2'))).toString()).toBe('gzip(script v2)');
    expect(calls).toHaveLength(5);
  });

  it('lets requests arriving during a compression wait for it instead of compressing again (red team 71)', async () => {
    let calls = 0;
    let finish: (compressed: Buffer) => void = () => undefined;
    const cache = staticCompressionCache(() => {
      calls += 1;
      return new Promise<Buffer>((resolve) => {
        finish = resolve;
      });
    });
    const waiting = Array.from({ length: 10 }, () => cache('br', HTML, Buffer.from('page')));
    finish(Buffer.from('small'));
    expect((await Promise.all(waiting)).map(String)).toEqual(Array(10).fill('small'));
    expect(calls).toBe(1);
    // A compression that failed is not kept: the next request tries again.
    const failing = staticCompressionCache(() => Promise.reject(new Error('zlib')));
    await expect(failing('gzip', HTML, Buffer.from('x'))).rejects.toThrow('zlib');
    await expect(failing('gzip', HTML, Buffer.from('x'))).rejects.toThrow('zlib');
  });

  it('keeps at most its bound, forgetting the least recently sent', async () => {
    const { calls, squeeze } = counting();
    const cache = staticCompressionCache(squeeze, 2);
    await cache('br', HTML, Buffer.from('a'));
    await cache('br', HTML, Buffer.from('bb'));
    await cache('br', HTML, Buffer.from('a'));
    await cache('br', HTML, Buffer.from('ccc'));
    await cache('br', HTML, Buffer.from('a'));
    expect(calls).toEqual(['br a', 'br bb', 'br ccc']);
    await cache('br', HTML, Buffer.from('bb'));
    expect(calls).toEqual(['br a', 'br bb', 'br ccc', 'br bb']);
  });
});
