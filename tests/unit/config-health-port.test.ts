import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/environment.js';
import { configProblems } from '../support/config-problems.js';

const problemsOf = configProblems;

describe('HEALTH_PORT', () => {
  it('is off unset or blank, and takes a port of digits, 0 (any free port) included', () => {
    expect(loadConfig({}).healthPort).toBeNull();
    expect(loadConfig({ HEALTH_PORT: '   ' }).healthPort).toBeNull();
    expect(loadConfig({ HEALTH_PORT: '4001' }).healthPort).toBe(4001);
    expect(loadConfig({ HEALTH_PORT: '0' }).healthPort).toBe(0);
    expect(loadConfig({ HEALTH_PORT: '65535' }).healthPort).toBe(65_535);
    expect(loadConfig({ PORT: '0', HEALTH_PORT: '0' }).healthPort).toBe(0);
  });

  it('refuses anything else, naming HEALTH_PORT', () => {
    for (const hostile of [
      '65536',
      '99999',
      '123456',
      '-1',
      '1e3',
      '0x10',
      '4001.0',
      ' 4001',
      '4001 ',
      '٤٠٠١',
      'abc',
      '__proto__',
    ]) {
      const error = problemsOf({ HEALTH_PORT: hostile });
      expect(error.variables, hostile).toEqual(['HEALTH_PORT']);
      expect(error.message).toContain('HEALTH_PORT: must be a port number of digits, 0 to 65535');
    }
  });

  it('PORT takes the same digits, and refuses what is not one', () => {
    expect(loadConfig({}).port).toBe(4000);
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '8080' }).port).toBe(8080);
    for (const hostile of ['043391', '+43391', '43391.0', '1e4', '0x2710', '70000', '-1', 'abc', ' 80'])
      expect(problemsOf({ PORT: hostile }).variables, hostile).toEqual(['PORT']);
  });

  it('refuses the port GraphQL is served on', () => {
    expect(problemsOf({ HEALTH_PORT: '4000' }).message).toContain('HEALTH_PORT: must differ from PORT');
    expect(problemsOf({ PORT: '8080', HEALTH_PORT: '8080' }).variables).toEqual(['HEALTH_PORT']);
  });
});
