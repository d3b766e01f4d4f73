import { describe, expect, it } from 'vitest';
import { parseOptions } from '../../bench/src/options.js';

describe('npm run bench options: --neo4j-warm', () => {
  it('warms Neo4j for 5 s per subject and operation by default, not in a quick run, and as told', () => {
    expect(parseOptions([]).neo4jWarmS).toBe(5);
    expect(parseOptions(['--quick']).neo4jWarmS).toBe(0);
    expect(parseOptions(['--neo4j-warm', '0']).neo4jWarmS).toBe(0);
    expect(parseOptions(['--neo4j-warm', '2.5']).neo4jWarmS).toBe(2.5);
  });

  it.each([['abc'], ['Infinity'], [''], ['1e3'], [' 5']])('refuses --neo4j-warm %j', (value) => {
    expect(() => parseOptions(['--neo4j-warm', value])).toThrow(/bad option value/);
  });

  it('refuses a negative --neo4j-warm', () => {
    expect(() => parseOptions(['--neo4j-warm', '-1'])).toThrow();
    expect(() => parseOptions(['--neo4j-warm=-1'])).toThrow(/bad option value/);
  });
});
