import { describe, expect, it } from 'vitest';
import { negotiateEncoding } from '../../src/plugins/compression.js';

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
