import { type DocumentNode, parse } from 'graphql';
import { expect, it } from 'vitest';
import { documentTokens } from '../../src/plugins/document-cache.js';
import { compiledDocuments } from '../../src/plugins/executor.js';

/** `{ aN: __typename }`: 7 tokens, with the start and end of the document. */
const documents = (n: number): DocumentNode[] => Array.from({ length: n }, (_, i) => parse(`{ a${i}: __typename }`));

it('compiles a document at its second run, while the compiled ones hold at most max tokens', () => {
  const [a, b, c] = documents(3) as [DocumentNode, DocumentNode, DocumentNode];
  expect(documentTokens(a)).toBe(7);
  const compiled = compiledDocuments(14);
  // A document run once (a one-off, or a stream of distinct ones) is never compiled.
  expect([a, b, c].map((d) => compiled.admit(d))).toEqual([false, false, false]);
  expect(compiled.admit(a)).toBe(true);
  expect(compiled.admit(b)).toBe(true);
  // Full: the third runs on graphql-js, however often; the compiled ones stay compiled.
  expect(compiled.admit(c)).toBe(false);
  expect(compiled.admit(c)).toBe(false);
  expect(compiled.admit(a)).toBe(true);
  expect(compiled.alive()).toBe(14);
});

it('never compiles a document bigger than the bound, and compiles nothing with a bound of 0', () => {
  const big = parse(`{ ${Array.from({ length: 20 }, (_, i) => `f${i}: __typename`).join(' ')} }`);
  const small = compiledDocuments(30);
  expect([small.admit(big), small.admit(big), small.admit(big)]).toEqual([false, false, false]);
  expect(small.alive()).toBe(0);
  const none = compiledDocuments(0);
  const [a] = documents(1) as [DocumentNode];
  expect([none.admit(a), none.admit(a)]).toEqual([false, false]);
});
