import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/environment.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** Every variable the two settings schemas declare, read from their source so a new one is covered too. */
const declared = (file: string, indent: number) =>
  [...readFileSync(path.join(ROOT, file), 'utf8').matchAll(new RegExp(`^ {${indent}}([A-Z][A-Z0-9_]+):`, 'gm'))].map(
    (match) => match[1]!,
  );
const VARIABLES = [...declared('src/config/environment.ts', 4), ...declared('src/config/settings.ts', 2)];
const NUMERIC = VARIABLES.filter((name) =>
  /(_MS|_S|_MAX|_BYTES|_CHARS|_ENTRIES|_FAILURES|^MAX_|_PER_CLIENT|_CLIENTS|_OBJECTS|^PORT)$|^MAX_/.test(name),
);

describe('an empty environment variable means unset', () => {
  it('finds the settings it checks', () => {
    expect(VARIABLES).toEqual(
      expect.arrayContaining(['PORT', 'RATE_LIMIT_MAX', 'MAX_BODY_BYTES', 'CHANGE_FEED_POLL_MS']),
    );
    expect(NUMERIC.length).toBeGreaterThanOrEqual(30);
  });

  it.each(['', ' ', '\t \n'])('reads every setting set to %j as its default', (blank) => {
    const defaults = loadConfig({});
    for (const name of VARIABLES) {
      expect(loadConfig({ [name]: blank }), name).toEqual(defaults);
    }
  });

  it('keeps the defaults the finding was about: port 4000, a rate limit, a body limit', () => {
    const config = loadConfig({ PORT: '', RATE_LIMIT_MAX: '', MAX_BODY_BYTES: ' ', SHUTDOWN_TIMEOUT_MS: '' });
    expect(config.port).toBe(4000);
    expect(config.ops.rateLimit.max).toBeGreaterThan(0);
    expect(config.ops.limits.bodyBytes).toBeGreaterThan(0);
    expect(config.ops.shutdownTimeoutMs).toBeGreaterThan(0);
  });

  it('still refuses a value that is not a number, naming the variable, and still takes an explicit 0', () => {
    for (const name of NUMERIC) {
      const attempt = () => loadConfig({ [name]: ' 12abc ', __proto__: 'x' } as Record<string, string>);
      expect(attempt, name).toThrow(ConfigError);
      try {
        attempt();
      } catch (error) {
        expect((error as ConfigError).variables, name).toEqual([name]);
      }
    }
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ RATE_LIMIT_MAX: '0' }).ops.rateLimit.max).toBe(0);
  });
});
