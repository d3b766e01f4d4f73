import { ConfigError, loadConfig } from '../../src/config/environment.js';

/** The ConfigError loadConfig throws for `env` (with this open-files limit); fails when it is accepted. */
export function configProblems(env: Record<string, string>, openFiles: number | null = 20_000): ConfigError {
  try {
    loadConfig(env, openFiles);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}
