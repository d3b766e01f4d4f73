import { createHash, timingSafeEqual } from 'node:crypto';
import type { ConfiguredToken } from './token-config.js';
import { ANONYMOUS, type Viewer } from './viewer.js';

export type Authentication = { ok: true; viewer: Viewer } | { ok: false; reason: string };

export type BearerCredentials =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  | { kind: 'malformed'; reason: string };

/** RFC 6750 b64token, bounded: `Bearer` (any case), one space, one token, nothing else. */
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]{1,512}=*)$/i;

/** Reads an Authorization header strictly; several tokens, other schemes or stray spaces are malformed. */
export function parseBearer(header: string | null): BearerCredentials {
  if (header === null) return { kind: 'none' };
  const match = BEARER.exec(header);
  if (match) return { kind: 'bearer', token: match[1]! };
  return { kind: 'malformed', reason: 'The Authorization header must be exactly "Bearer <token>".' };
}

export const sha256Of = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/** Compares against every configured hash, in constant time, without stopping at a match. */
export function findToken(tokens: readonly ConfiguredToken[], token: string): ConfiguredToken | undefined {
  const presented = sha256Of(token);
  let found: ConfiguredToken | undefined;
  for (const candidate of tokens) {
    const equal = timingSafeEqual(presented, candidate.sha256);
    found = equal ? candidate : found;
  }
  return found;
}

/** The viewer an Authorization header stands for: anonymous without one, refused when it is wrong. */
export function authenticate(tokens: readonly ConfiguredToken[], header: string | null): Authentication {
  const credentials = parseBearer(header);
  if (credentials.kind === 'none') return { ok: true, viewer: ANONYMOUS };
  if (credentials.kind === 'malformed') return { ok: false, reason: credentials.reason };
  const token = findToken(tokens, credentials.token);
  if (!token) return { ok: false, reason: 'The bearer token is not one this service accepts.' };
  return { ok: true, viewer: { kind: 'token', tokenName: token.name, scopes: token.scopes } };
}

export type RequestAuthenticator = (request: Request) => Authentication;

/** Authenticates each request once, however many plugins ask (the result is kept per Request object). */
export function createRequestAuthenticator(tokens: readonly ConfiguredToken[]): RequestAuthenticator {
  const seen = new WeakMap<Request, Authentication>();
  return (request) => {
    const known = seen.get(request);
    if (known) return known;
    const result = authenticate(tokens, request.headers.get('authorization'));
    seen.set(request, result);
    return result;
  };
}
