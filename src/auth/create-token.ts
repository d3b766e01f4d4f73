import { randomBytes } from 'node:crypto';
import { type TokenEntry, tokenEntrySchema } from './token-config.js';
import { sha256Of } from './verify.js';

const TOKEN_PREFIX = 'dg_';

/** A new random token (32 bytes of entropy, base64url) and the config entry holding only its hash. */
export function createToken(name: string, scopes: string[]): { token: string; entry: TokenEntry } {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const entry = tokenEntrySchema.parse({ name, sha256: sha256Of(token).toString('hex'), scopes: [...new Set(scopes)] });
  return { token, entry };
}
