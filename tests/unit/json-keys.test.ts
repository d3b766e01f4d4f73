import { describe, expect, it } from 'vitest';
import { firstDuplicateKey, firstDuplicateKeyOf } from '../../src/json-keys.js';

describe('firstDuplicateKeyOf: counting keys instead of visiting the text again', () => {
  const texts = [
    '{}',
    '[]',
    '{"a": 1, "b": {"a": 1}}',
    '{"a": 1, "a": 1}',
    '{"a": {"b": 1}, "a": {"b": 1}}',
    '[{"x": [1, {"y": 2, "y": 3}]}]',
    '{"__proto__": 1, "__proto__": 2}',
    '{"__proto__": {"a": 1}}',
    '{"s": "a \\": b", "t": "\\\\"}',
    '{"s": "\\"", "s" : 2}',
    '{"k\\u0065y": 1, "key": 2}',
    '{"한국어": 1, "\u2028": {"한국어": 1}}',
    '"just a string with \\": inside"',
  ];
  it.each(texts)('agrees with the full check on %s', (text) => {
    expect(firstDuplicateKeyOf(text, JSON.parse(text))).toEqual(firstDuplicateKey(text));
  });

  it('finds the key given twice, where it is', () => {
    expect(firstDuplicateKeyOf('{\n  "a": 1,\n  "a": 2\n}', { a: 2 })).toEqual({
      key: 'a',
      path: '',
      line: 3,
      column: 3,
    });
    expect(firstDuplicateKeyOf('{"k\\u0065y": 1, "key": 2}', { key: 2 })).toMatchObject({ key: 'key' });
  });
});
