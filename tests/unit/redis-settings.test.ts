import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/environment.js';
import { failingBy, MAX_REDIS_URL_LENGTH } from '../../src/redis/connection.js';
import { parseNotice } from '../../src/redis/invalidation.js';
import { describeStartupFailure } from '../../src/startup.js';

const refusal = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    return error;
  }
  throw new Error('loadConfig accepted the configuration');
};

describe('REDIS_URL', () => {
  it('is off when unset, empty or blank: every replica keeps its state in its own process', () => {
    expect(loadConfig({}).redis).toBeNull();
    expect(loadConfig({ REDIS_URL: '' }).redis).toBeNull();
    expect(loadConfig({ REDIS_URL: '   ' }).redis).toBeNull();
  });

  it('takes redis:// and rediss:// URLs with a host, and a default key prefix', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redis).toEqual({
      url: 'redis://127.0.0.1:6379',
      prefix: 'drama:',
    });
    expect(
      loadConfig({ REDIS_URL: 'rediss://user:pw@cache.example:6380/2', REDIS_KEY_PREFIX: 'wiki-1:' }).redis,
    ).toEqual({ url: 'rediss://user:pw@cache.example:6380/2', prefix: 'wiki-1:' });
  });

  it.each([
    ['no host', 'redis://', /must name a host/],
    ['another scheme', 'http://x', /must start with redis:\/\/ or rediss:\/\//],
    ['not a URL', 'localhost:6379', /must start with redis|must be a URL/],
    ['garbage', '::::', /must be a URL/],
    ['a database that is not a number', 'redis://127.0.0.1:6379/__proto__', /database number/],
    ['Unicode in the scheme', 'rédis://127.0.0.1', /must be a URL|must start with/],
    ['huge', `redis://${'a'.repeat(MAX_REDIS_URL_LENGTH)}:6379`, /at most 2048 characters/],
  ])('refuses %s at start with a clear error naming REDIS_URL', (_case, url, message) => {
    const error = refusal({ REDIS_URL: url });
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables).toEqual(['REDIS_URL']);
    const failure = describeStartupFailure(error);
    expect(failure).toMatchObject({ cause: 'CONFIG_INVALID', env: ['REDIS_URL'] });
    expect(failure.msg).toMatch(message);
  });

  it('takes an empty or blank REDIS_KEY_PREFIX as unset (the default prefix), as every blank setting', () => {
    for (const prefix of ['', '  '])
      expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1', REDIS_KEY_PREFIX: prefix }).redis?.prefix).toBe('drama:');
  });

  it.each([
    ['spaces', 'a b'],
    ['braces (a Redis Cluster hash tag)', '{x}'],
    ['too long', 'p'.repeat(65)],
    ['Unicode', 'drâma:'],
  ])('refuses a REDIS_KEY_PREFIX that is %s', (_case, prefix) => {
    const error = refusal({ REDIS_URL: 'redis://127.0.0.1', REDIS_KEY_PREFIX: prefix });
    expect((error as ConfigError).variables).toEqual(['REDIS_KEY_PREFIX']);
  });
});

describe('write notices from the channel', () => {
  const origin = 'replica-a';

  it('reads a notice: its origin, the generation and the series touched', () => {
    expect(parseNotice(JSON.stringify({ origin, generation: 7, series: ['soundtrack-1', '사랑'] }))).toEqual({
      origin,
      generation: 7,
      series: ['soundtrack-1', '사랑'],
      moved: true,
    });
  });

  it.each([
    ['true', true, true],
    ['false', false, false],
    ['a string', 'true', false],
    ['null', null, false],
  ])(
    'reads `moved` %s as %s, and only an explicit true (or none, from an earlier version) as moved',
    (_case, moved, read) => {
      expect(parseNotice(JSON.stringify({ origin, generation: 1, series: [], moved }))?.moved).toBe(read);
    },
  );

  it.each([
    ['not JSON', '{'],
    ['null', 'null'],
    ['a list', '[1]'],
    ['no origin', JSON.stringify({ generation: 1, series: [] })],
    ['a negative generation', JSON.stringify({ origin, generation: -1, series: [] })],
    ['a fractional generation', JSON.stringify({ origin, generation: 1.5, series: [] })],
    ['a huge generation', `{"origin":"a","generation":1e400,"series":[]}`],
    ['a generation in a string', JSON.stringify({ origin, generation: '1', series: [] })],
  ])('ignores a message that is %s', (_case, text) => {
    expect(parseNotice(text)).toBeNull();
  });

  it.each([
    ['a string', 'soundtrack-1'],
    ['a list with a number', ['a', 1]],
    ['a list with an object', [{ toString: 'x' }]],
    ['too many series', Array.from({ length: 10_001 }, (_, i) => `s${i}`)],
    ['a series key too long', ['k'.repeat(401)]],
  ])('reads a notice whose series is %s as touching any series', (_case, series) => {
    expect(parseNotice(JSON.stringify({ origin, generation: 2, series }))).toEqual({
      origin,
      generation: 2,
      series: null,
      moved: true,
    });
  });

  it('is not fooled by __proto__ keys', () => {
    const text = '{"__proto__":{"origin":"x","generation":5},"series":["a"]}';
    expect(parseNotice(text)).toBeNull();
    const notice = parseNotice('{"origin":"o","generation":3,"series":["__proto__"],"__proto__":{"series":null}}');
    expect(notice).toEqual({ origin: 'o', generation: 3, series: ['__proto__'], moved: true });
    expect(parseNotice('{"origin":"o","generation":3,"series":[],"__proto__":{"moved":true},"moved":0}')?.moved).toBe(
      false,
    );
    expect(({} as Record<string, unknown>).series).toBeUndefined();
  });
});

describe('what a failed Redis command says of Redis', () => {
  it.each([
    ['no answer in time', new Error('Command timed out'), 'does not answer in time'],
    ['full', new Error("OOM command not allowed when used memory > 'maxmemory'."), 'refuses writes (OOM)'],
    [
      'a read-only replica',
      new Error("READONLY You can't write against a read only replica."),
      'refuses writes (READONLY)',
    ],
    ['a failed snapshot', new Error('MISCONF Redis is configured to save RDB snapshots'), 'refuses writes (MISCONF)'],
    ['a script past its time', new Error('BUSY Redis is busy running a script.'), 'refuses writes (BUSY)'],
    ['loading', new Error('LOADING Redis is loading the dataset in memory'), 'refuses writes (LOADING)'],
  ])('%s: an outage', (_case, error, why) => {
    expect(failingBy(error)).toBe(why);
  });

  it.each([
    ['a permission', new Error('NOPERM this user has no permissions to run the set command')],
    ['a wrong type', new Error('WRONGTYPE Operation against a key holding the wrong kind of value')],
    ['OOM inside a word', new Error('ROOM for more')],
    ['not an error', 'OOM'],
    ['nothing', undefined],
  ])('%s: not an outage', (_case, error) => {
    expect(failingBy(error)).toBeNull();
  });
});
