import { describe, expect, it } from 'vitest';
import { parseOpsSettings } from '../../src/config/settings.js';
import { configProblems } from '../support/config-problems.js';

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

  it('refuse 0 where it would refuse every operation or switch a limit off unsaid', () => {
    for (const name of [
      'MAX_DEPTH',
      'MAX_TOKENS',
      'MAX_COST',
      'EXECUTION_MAX_OBJECTS',
      'EXECUTION_MAX_BYTES',
      'EXECUTION_TIMEOUT_MS',
      'RATE_LIMIT_WINDOW_MS',
    ]) {
      const parsed = parseOpsSettings({ [name]: '0' });
      expect(parsed.success, name).toBe(false);
      expect(parsed.error?.issues[0]?.message, name).toBe('must be at least 1');
      expect(parseOpsSettings({ [name]: '1' }).success, name).toBe(true);
    }
    expect(parseOpsSettings({ RATE_LIMIT_MAX: '0' }).data?.rateLimit.max).toBe(0);
  });

  it('for the change feed and webhooks: digits only, within their ranges, the backoff cap not under the first backoff', () => {
    const ranges: [string, number, number][] = [
      ['CHANGE_RETENTION_S', 1, 10 * 365 * 86_400],
      ['CHANGE_FEED_POLL_MS', 50, 600_000],
      ['WEBHOOK_MAX_FAILURES', 1, 1_000],
      ['WEBHOOK_BACKOFF_MS', 1, 3_600_000],
      ['WEBHOOK_MAX_BACKOFF_MS', 500, 86_400_000],
      ['WEBHOOK_TIMEOUT_MS', 100, 600_000],
      ['WEBHOOK_LEASE_MS', 500, 600_000],
    ];
    for (const [name, min, max] of ranges) {
      for (const hostile of [
        '1e3',
        '0x10',
        ' 7',
        '5.0',
        '-1',
        'abc',
        '__proto__',
        '\u0661',
        String(min - 1),
        String(max + 1),
      ]) {
        expect(configProblems({ [name]: hostile }).variables, `${name}=${hostile}`).toContain(name);
      }
      expect(() => configProblems({ WEBHOOK_MAX_BACKOFF_MS: '86400000', [name]: String(max) })).toThrow(/accepted/);
    }
    expect(configProblems({ WEBHOOK_MAX_BACKOFF_MS: '1' }).variables).toEqual(
      expect.arrayContaining(['WEBHOOK_MAX_BACKOFF_MS', 'WEBHOOK_BACKOFF_MS']),
    );
    // The one the operator set is named too, not only the default it now exceeds (red team 70).
    expect(configProblems({ WEBHOOK_BACKOFF_MS: '120000' }).variables).toContain('WEBHOOK_BACKOFF_MS');
    expect(configProblems({ WEBHOOK_BACKOFF_MS: '2000', WEBHOOK_MAX_BACKOFF_MS: '1000' }).message).toMatch(
      /WEBHOOK_MAX_BACKOFF_MS.*at least WEBHOOK_BACKOFF_MS \(2000\)/,
    );
  });
});
