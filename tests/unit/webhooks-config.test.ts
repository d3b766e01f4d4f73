import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWebhooks, WebhookConfigError } from '../../src/feed/webhooks/config.js';
import { signature } from '../../src/feed/webhooks/dispatcher.js';
import { describeStartupFailure } from '../../src/startup.js';

const dir = mkdtempSync(path.join(tmpdir(), 'drama-webhooks-'));
let n = 0;
const file = (content: string) => {
  const at = path.join(dir, `hooks-${n++}.json`);
  writeFileSync(at, content);
  return at;
};
const SECRET = 'a-secret-of-enough-length';
const endpoint = (extra: Record<string, unknown> = {}) => ({
  id: 'wiki',
  url: 'https://wiki.test/hook',
  secret: SECRET,
  ...extra,
});
const problemsOf = (content: string): string[] => {
  try {
    loadWebhooks(file(content));
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookConfigError);
    return (error as WebhookConfigError).problems;
  }
  throw new Error('accepted');
};

describe('WEBHOOKS_FILE', () => {
  it('reads endpoints with their filters', () => {
    const at = file(
      JSON.stringify({
        endpoints: [
          endpoint({ filter: { series: 'my-series', types: ['PLOT_EVENT', 'CHARACTER', 'PLOT_EVENT'] } }),
          endpoint({ id: 'all', url: 'http://127.0.0.1:9/x' }),
        ],
      }),
    );
    expect(loadWebhooks(at)).toEqual([
      {
        id: 'wiki',
        url: 'https://wiki.test/hook',
        secret: SECRET,
        series: 'my-series',
        collections: ['events', 'characters'],
      },
      { id: 'all', url: 'http://127.0.0.1:9/x', secret: SECRET, series: null, collections: null },
    ]);
  });

  it.each([
    ['not JSON', '{"endpoints": [', /is not JSON/],
    ['a __proto__ key', `{"endpoints": [], "__proto__": {"polluted": true}}`, /reserved key "__proto__"/],
    [
      'a nested constructor key',
      JSON.stringify({ endpoints: [{ ...endpoint(), constructor: 1 }] }),
      /reserved key "constructor"/,
    ],
    [
      'a missing secret',
      JSON.stringify({ endpoints: [{ id: 'wiki', url: 'https://wiki.test/hook' }] }),
      /secret: is required/,
    ],
    ['a short secret', JSON.stringify({ endpoints: [endpoint({ secret: 'short' })] }), /secret: must be at least 16/],
    [
      'a file: URL',
      JSON.stringify({ endpoints: [endpoint({ url: 'file:///etc/passwd' })] }),
      /url: must be an absolute http/,
    ],
    [
      'a javascript: URL',
      JSON.stringify({ endpoints: [endpoint({ url: 'javascript:alert(1)' })] }),
      /http:\/\/ or https/,
    ],
    ['a relative URL', JSON.stringify({ endpoints: [endpoint({ url: '/hook' })] }), /http:\/\/ or https/],
    ['duplicate ids', JSON.stringify({ endpoints: [endpoint(), endpoint()] }), /unique: wiki repeat/],
    ['an unknown type', JSON.stringify({ endpoints: [endpoint({ filter: { types: ['NOPE'] } })] }), /filter\.types\.0/],
    ['a wrong type', JSON.stringify({ endpoints: [endpoint({ id: 7 })] }), /endpoints\.0\.id/],
    ['an unknown field', JSON.stringify({ endpoints: [endpoint({ extra: 1 })] }), /Unrecognized key/],
    ['a Unicode id', JSON.stringify({ endpoints: [endpoint({ id: 'wíki' })] }), /lower-case letters/],
    ['a list instead of an object', '[]', /\(the file\)/],
  ])('refuses %s with a clear start error', (_name, content, problem) => {
    expect(problemsOf(content).join('\n')).toMatch(problem);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a key given twice, naming its path, since JSON would keep only the last', () => {
    const hooks = JSON.stringify(endpoint());
    const at = file(`{"endpoints":[${hooks}],"endpoints":[]}`);
    let failure: ReturnType<typeof describeStartupFailure> | undefined;
    try {
      loadWebhooks(at);
    } catch (error) {
      failure = describeStartupFailure(error);
    }
    expect(failure).toMatchObject({ cause: 'WEBHOOKS_INVALID', path: at, env: ['WEBHOOKS_FILE'] });
    expect(failure!.msg).toMatch(/endpoints is given twice in one object/);
    const secretTwice = `{"endpoints":[{"id":"wiki","url":"https://wiki.test/hook","secret":"${SECRET}","secr\\u0065t":"${SECRET}x"}]}`;
    expect(problemsOf(secretTwice).join()).toMatch(/endpoints\.0\.secret is given twice/);
    expect(problemsOf(`{"endpoints":[],"pad":${'['.repeat(200)}${']'.repeat(200)}}`).join()).toMatch(/deeper/);
  });

  it('refuses a huge file before parsing it, and names the file at start', () => {
    const at = file(`{"endpoints": [], "pad": "${'x'.repeat(1_100_000)}"}`);
    let failure: ReturnType<typeof describeStartupFailure> | undefined;
    try {
      loadWebhooks(at);
    } catch (error) {
      failure = describeStartupFailure(error);
    }
    expect(failure).toMatchObject({ cause: 'WEBHOOKS_INVALID', path: at, env: ['WEBHOOKS_FILE'] });
    expect(failure!.msg).toMatch(/larger than 1000000 bytes/);
    expect(
      problemsOf(
        JSON.stringify({ endpoints: Array.from({ length: 101 }, (_, i) => endpoint({ id: `e${i}` })) }),
      ).join(),
    ).toMatch(/endpoints/);
  });

  it('signs the timestamp and the body with HMAC-SHA256', () => {
    const body = '{"cursor":"Y2hhbmdlOjE=","key":"시리즈/👍"}';
    const header = signature(SECRET, body, 1_700_000_000);
    const expected = createHmac('sha256', SECRET).update(`1700000000.${body}`).digest('hex');
    expect(header).toBe(`t=1700000000,v1=${expected}`);
    expect(signature(SECRET, `${body} `, 1_700_000_000)).not.toBe(header);
    expect(signature(SECRET, body, 1_700_000_001)).not.toBe(header);
  });
});
