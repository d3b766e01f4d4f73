import { describe, expect, it } from 'vitest';
import { nodeEnvWarning, parseOpsSettings } from '../../src/config/settings.js';

const opsFor = (env: Record<string, string>) => parseOpsSettings(env).data!;

describe('a NODE_ENV that is not production', () => {
  it('is warned of when it looks meant as production and leaves introspection and GraphiQL on', () => {
    for (const nodeEnv of [
      'prod',
      'Production',
      'PRODUCTION',
      ' production',
      'staging',
      '__proto__',
      'x'.repeat(5_000),
    ]) {
      const ops = opsFor({ NODE_ENV: nodeEnv });
      expect(ops.production, nodeEnv).toBe(false);
      const warning = nodeEnvWarning(nodeEnv, ops);
      expect(warning, nodeEnv).toMatch(/not "production": introspection and GraphiQL are on/);
      expect(warning!.length, nodeEnv).toBeLessThan(200);
    }
  });

  it('is not warned of when unset, a name Node tools know, or when both are turned off', () => {
    for (const nodeEnv of [undefined, '', 'production', 'development', 'test'])
      expect(nodeEnvWarning(nodeEnv, opsFor(nodeEnv ? { NODE_ENV: nodeEnv } : {})), String(nodeEnv)).toBeNull();
    expect(nodeEnvWarning('prod', opsFor({ NODE_ENV: 'prod', INTROSPECTION: 'false', GRAPHIQL: 'false' }))).toBeNull();
  });
});
