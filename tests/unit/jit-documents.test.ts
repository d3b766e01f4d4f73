import { type DocumentNode, parse } from 'graphql';
import { expect, it } from 'vitest';
import { compiledDocuments } from '../../src/plugins/executor.js';

const documents = (n: number): DocumentNode[] => Array.from({ length: n }, (_, i) => parse(`{ a${i}: __typename }`));

it('compiles a document at its second run, and no more than max documents while they are alive', () => {
  const compiled = compiledDocuments(2);
  const [a, b, c] = documents(3) as [DocumentNode, DocumentNode, DocumentNode];
  // A document run once (a one-off, or a stream of distinct ones) is never compiled.
  expect([a, b, c].map((d) => compiled.admit(d))).toEqual([false, false, false]);
  expect(compiled.admit(a)).toBe(true);
  expect(compiled.admit(b)).toBe(true);
  // Full: the third runs on graphql-js, however often; the compiled ones stay compiled.
  expect(compiled.admit(c)).toBe(false);
  expect(compiled.admit(c)).toBe(false);
  expect(compiled.admit(a)).toBe(true);
  expect(compiled.alive()).toBe(2);
});
