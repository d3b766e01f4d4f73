import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/environment.js';
import { describeStartupFailure } from '../../src/startup.js';

const refusal = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    return error;
  }
  throw new Error('loadConfig accepted the configuration');
};

describe('NEO4J_PASSWORD has no default', () => {
  it.each([
    ['left out', {}],
    ['empty', { NEO4J_PASSWORD: '' }],
    ['only spaces', { NEO4J_PASSWORD: '   ' }],
  ])('refuses NEO4J_URI with the password %s, naming NEO4J_PASSWORD', (_case, password) => {
    const error = refusal({ NEO4J_URI: 'neo4j://127.0.0.1:7687', ...password });
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables).toEqual(['NEO4J_PASSWORD']);
    const failure = describeStartupFailure(error);
    expect(failure).toMatchObject({ cause: 'CONFIG_INVALID', env: ['NEO4J_PASSWORD'] });
    expect(failure.msg).toMatch(/NEO4J_PASSWORD: must be set when NEO4J_URI is set: there is no default password/);
  });

  it('takes a password that is set, and needs none for the embedded store', () => {
    const env = { NEO4J_URI: 'neo4j://127.0.0.1:7687', NEO4J_PASSWORD: 'not-a-default' };
    expect(loadConfig(env).neo4j).toMatchObject({ uri: env.NEO4J_URI, user: 'neo4j', password: 'not-a-default' });
    expect(loadConfig({ NEO4J_URI: '' }).neo4j).toBeNull();
    expect(loadConfig({}).neo4j).toBeNull();
  });

  it('names only NEO4J_URI when the URI itself is wrong', () => {
    expect((refusal({ NEO4J_URI: 'http://127.0.0.1:7687' }) as ConfigError).variables).toEqual(['NEO4J_URI']);
  });
});
