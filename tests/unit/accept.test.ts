import { describe, expect, it } from 'vitest';
import { servableAccept } from '../../src/plugins/media-types.js';

describe('servableAccept', () => {
  it('gives Yoga the most preferred format, and the event stream after it when accepted, for subscriptions', () => {
    const cases: [string, string][] = [
      ['application/json', 'application/json'],
      ['Application/JSON; Charset="UTF-8"', 'application/json'],
      ['application/graphql-response+json;q=0.1, application/json;q=0.9', 'application/json'],
      ['application/graphql-response+json, application/json', 'application/graphql-response+json'],
      ['*/*', 'application/json, text/event-stream'],
      ['text/html, application/*;q=0.2, */*;q=0.1', 'application/json, text/event-stream'],
      ['text/event-stream;q=0, application/json', 'application/json'],
      ['text/event-stream;q=0.5, application/json;q=0.4', 'text/event-stream'],
      ['*/*;q=0.1, text/event-stream', 'text/event-stream'],
      ['multipart/mixed;q=0.9, application/json;q=0.8', 'multipart/mixed'],
      ['multipart/mixed;deferSpec=20220824, application/json', 'application/json'],
      ['multipart/mixed, text/event-stream;q=0.5', 'multipart/mixed, text/event-stream'],
      ['application/json;q=0, */*', 'application/graphql-response+json, text/event-stream'],
      ['application/json;q=0, application/*', 'application/graphql-response+json'],
      ['*/*, application/json;q=0, application/graphql-response+json;q=0, text/event-stream;q=0', 'multipart/mixed'],
      ['application/json;q=0.0000, */*', 'application/graphql-response+json, text/event-stream'],
      ['application/json;q=-0, */*', 'application/graphql-response+json, text/event-stream'],
      ['text/event-stream;q=1;q=0, application/json;q=0.5', 'text/event-stream'],
    ];
    for (const [accept, told] of cases) expect(servableAccept(accept), accept).toBe(told);
  });

  it('serves nothing for what it cannot read or serve', () => {
    for (const hostile of [
      'text/html',
      '*/json',
      'application/json;q=abc',
      'application/json;q=1.5',
      'application/json;q=-1',
      'application/json;q=',
      'application/json;charset=latin1',
      'application/json; charset="utf-8\\"x"',
      'applicatión/json',
      'application/json\u0000',
      '__proto__/constructor',
      '*/*;q=0',
      'text/*, text/event-stream;q=0',
      'multipart/*, multipart/mixed;q=0',
      'text/event-stream;q=0, text/*;q=1',
      'text/event-stream;q=0.0000, text/*',
      'text/event-stream;q=-1, text/*',
      'text/event-stream;q=.0,text/*',
      'text/event-stream;q=1e-3, text/*',
      'text/event-stream;q=0;q=1',
      'text/event-stream, text/event-stream;q=0',
      'text/event-stream;q=0, text/event-stream',
    ])
      expect(servableAccept(hostile), JSON.stringify(hostile)).toBeNull();
  });

  it('reads a header of thousands of entries and parameters in one pass', () => {
    const many = `${Array.from({ length: 5_000 }, (_, i) => `x/y${i};a=${i};b="${'\\"'.repeat(3)}"`).join(', ')}, application/json;q=0.001`;
    expect(servableAccept(many)).toBe('application/json');
    expect(servableAccept(`application/json;${'p=1;'.repeat(10_000)}q=0.5`)).toBe('application/json');
  });
});
