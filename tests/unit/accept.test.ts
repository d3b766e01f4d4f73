import { describe, expect, it } from 'vitest';
import { servableAccept } from '../../src/plugins/media-types.js';

describe('servableAccept', () => {
  it('keeps what can be served, most preferred first, without parameters', () => {
    expect(servableAccept('application/json')).toBe('application/json');
    expect(servableAccept('Application/JSON; Charset="UTF-8"')).toBe('application/json');
    expect(servableAccept('application/graphql-response+json;q=0.1, application/json;q=0.9')).toBe(
      'application/json, application/graphql-response+json',
    );
    expect(servableAccept('text/html, application/*;q=0.2, */*;q=0.1')).toBe('application/*, */*');
    expect(servableAccept('text/event-stream;q=0, application/json')).toBe('application/json');
    expect(servableAccept('multipart/mixed;deferSpec=20220824, application/json;q=1.000')).toBe(
      'multipart/mixed, application/json',
    );
  });

  it('serves nothing for what it cannot read or serve', () => {
    for (const hostile of [
      '',
      ' , ,',
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
    ])
      expect(servableAccept(hostile), JSON.stringify(hostile)).toBeNull();
  });

  it('reads a header of thousands of entries and parameters in one pass', () => {
    const many = `${Array.from({ length: 5_000 }, (_, i) => `x/y${i};a=${i};b="${'\\"'.repeat(3)}"`).join(', ')}, application/json;q=0.001`;
    expect(servableAccept(many)).toBe('application/json');
    expect(servableAccept(`application/json;${'p=1;'.repeat(10_000)}q=0.5`)).toBe('application/json');
  });
});
