import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/environment.js';
import { configProblems } from '../support/config-problems.js';

describe('HEAP_GROWING_PERCENT', () => {
  it("defaults to 0 (V8's own choice), and blank means the default", () => {
    expect(loadConfig({}, null).heapGrowingPercent).toBe(0);
    expect(loadConfig({ HEAP_GROWING_PERCENT: '  ' }, null).heapGrowingPercent).toBe(0);
  });

  it('takes a whole number from 0 (V8 chooses) to 1000', () => {
    for (const [given, taken] of [
      ['0', 0],
      ['1', 1],
      ['150', 150],
      ['1000', 1_000],
    ] as const)
      expect(loadConfig({ HEAP_GROWING_PERCENT: given }, null).heapGrowingPercent).toBe(taken);
  });

  it('refuses anything else, naming HEAP_GROWING_PERCENT, so no V8 flag text is ever built from it', () => {
    for (const hostile of [
      '-1',
      '1001',
      '99999999999999999999',
      '030',
      '1e3',
      '0x10',
      '30.5',
      ' 300',
      '300 --expose-gc',
      '300\n--allow-natives-syntax',
      '３００',
      '٣٠٠',
      'NaN',
      'Infinity',
      '__proto__',
    ]) {
      const error = configProblems({ HEAP_GROWING_PERCENT: hostile }, null);
      expect(error.variables, hostile).toEqual(['HEAP_GROWING_PERCENT']);
      expect(error.message, hostile).toContain(
        'HEAP_GROWING_PERCENT: must be a whole number of digits, 0 to 1000, without leading zeros',
      );
    }
  });
});
