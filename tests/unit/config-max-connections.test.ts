import { describe, expect, it } from 'vitest';
import { loadConfig, OPEN_FILES_KEPT } from '../../src/config/environment.js';
import { configProblems } from '../support/config-problems.js';

const problemsOf = configProblems;

describe('MAX_CONNECTIONS', () => {
  it('defaults to 10,000, or fewer where the open-files limit could not hold that many and what the store needs', () => {
    expect(loadConfig({}, null).maxConnections).toBe(10_000);
    expect(loadConfig({}, 1_048_576).maxConnections).toBe(10_000);
    expect(loadConfig({}, 1_024).maxConnections).toBe(1_024 - OPEN_FILES_KEPT);
    expect(loadConfig({ MAX_CONNECTIONS: '   ' }, 1_024).maxConnections).toBe(1_024 - OPEN_FILES_KEPT);
    expect(loadConfig({}, 100).maxConnections).toBe(1);
  });

  it('takes a whole number that the open-files limit holds', () => {
    expect(loadConfig({ MAX_CONNECTIONS: '1' }, 20_000).maxConnections).toBe(1);
    expect(loadConfig({ MAX_CONNECTIONS: '500' }, 1_024).maxConnections).toBe(500);
    expect(loadConfig({ MAX_CONNECTIONS: '1000000' }, null).maxConnections).toBe(1_000_000);
  });

  it('refuses anything else, naming MAX_CONNECTIONS', () => {
    for (const hostile of [
      '0',
      '-1',
      '01',
      '1e3',
      '0x10',
      '10.0',
      ' 10',
      '10 ',
      '١٠',
      '1000001',
      '99999999999',
      'NaN',
      '__proto__',
    ]) {
      const error = problemsOf({ MAX_CONNECTIONS: hostile }, null);
      expect(error.variables, hostile).toEqual(['MAX_CONNECTIONS']);
      expect(error.message, hostile).toContain('MAX_CONNECTIONS: must be a whole number of digits, 1 to 1000000');
    }
  });

  it('refuses more than the open-files limit holds, saying how many it may be', () => {
    const error = problemsOf({ MAX_CONNECTIONS: '1000' }, 1_024);
    expect(error.variables).toEqual(['MAX_CONNECTIONS']);
    expect(error.message).toContain(`at most ${1_024 - OPEN_FILES_KEPT}, or raise ulimit -n`);
    expect(problemsOf({ MAX_CONNECTIONS: '1' }, 100).message).toContain('at most 0');
  });

  it('leaves plain requests room: event streams hold at most half of the connections', () => {
    expect(loadConfig({}, null).ops.subscriptions.max).toBe(1_000);
    expect(loadConfig({ MAX_CONNECTIONS: '200' }, null).ops.subscriptions.max).toBe(100);
    expect(loadConfig({}, 1_024).ops.subscriptions.max).toBe(Math.floor((1_024 - OPEN_FILES_KEPT) / 2));
    expect(loadConfig({ MAX_CONNECTIONS: '1' }, null).ops.subscriptions.max).toBe(1);
    expect(loadConfig({ MAX_CONNECTIONS: '200', SUBSCRIPTIONS_MAX: '100' }, null).ops.subscriptions.max).toBe(100);
    expect(loadConfig({ MAX_CONNECTIONS: '200', SUBSCRIPTIONS_MAX: '10' }, null).ops.subscriptions.max).toBe(10);
    const error = problemsOf({ MAX_CONNECTIONS: '200', SUBSCRIPTIONS_MAX: '101' }, null);
    expect(error.variables).toEqual(['SUBSCRIPTIONS_MAX']);
    expect(error.message).toContain('must be at most half of MAX_CONNECTIONS (200), 100');
    expect(problemsOf({ SUBSCRIPTIONS_MAX: '1000' }, 1_024).variables).toEqual(['SUBSCRIPTIONS_MAX']);
  });
});
