import { describe, expect, it } from 'vitest';
import { parseOpsSettings } from '../../src/config/settings.js';

describe('numeric settings', () => {
  it('take digits only, and a timer setting no more than a Node timer can wait', () => {
    const idle = (value: string) => parseOpsSettings({ EXPORT_IDLE_TIMEOUT_MS: value });
    expect(idle('2147483647').data?.exports.idleMs).toBe(2_147_483_647);
    expect(idle('0').data?.exports.idleMs).toBe(0);
    expect(idle('').data?.exports.idleMs).toBe(60_000);
    for (const hostile of ['2147483648', '3000000000', '99999999999999999999', '0x10', '1e3', '-1', ' 5', '5.0', 'abc'])
      expect(idle(hostile).success, hostile).toBe(false);
    expect(parseOpsSettings({ EXPORTS_MAX: '1e2' }).success).toBe(false);
    expect(parseOpsSettings({ EXECUTION_TIMEOUT_MS: '4294967296' }).success).toBe(false);
    expect(parseOpsSettings({ RATE_LIMIT_MAX: '9007199254740991' }).data?.rateLimit.max).toBe(9_007_199_254_740_991);
    expect(parseOpsSettings({ RATE_LIMIT_MAX: '9007199254740992' }).success).toBe(false);
  });
});
