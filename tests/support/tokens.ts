import { createToken } from '../../src/auth/create-token.js';
import { type ConfiguredToken, loadTokens } from '../../src/auth/token-config.js';

export interface IssuedTokens {
  /** The secrets, by token name, as clients would send them. */
  secrets: Record<string, string>;
  /** What the service is configured with: names, scopes and hashes only. */
  tokens: ConfiguredToken[];
  bearer(name: string): { authorization: string };
}

/** Issues fresh random tokens, configured through DRAMA_TOKENS as in production. */
export function issueTokens(scopesByName: Record<string, string[]>): IssuedTokens {
  const issued = Object.entries(scopesByName).map(([name, scopes]) => createToken(name, scopes));
  const secrets = Object.fromEntries(issued.map(({ token, entry }) => [entry.name, token]));
  const tokens = loadTokens({ DRAMA_TOKENS: JSON.stringify(issued.map(({ entry }) => entry)) });
  return { secrets, tokens, bearer: (name) => ({ authorization: `Bearer ${secrets[name]}` }) };
}
