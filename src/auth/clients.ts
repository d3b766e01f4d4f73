import { isIP } from 'node:net';
import type { Authentication, RequestAuthenticator } from './verify.js';

/** What Node's adapter puts in each request's server context: the socket the request came on. */
export interface NodeServerContext {
  req?: { socket?: { remoteAddress?: string } };
}

/**
 * A client is its verified token (`token:<name>`), else its IP address: anonymous requests and requests with
 * a token that does not verify share their IP's bucket, so made-up tokens cannot mint fresh ones.
 */
export function clientKey(authentication: Authentication, address: string | undefined): string {
  if (authentication.ok && authentication.viewer.kind === 'token') return `token:${authentication.viewer.tokenName}`;
  return `ip:${address ?? 'local'}`;
}

/** Who a request is from, for rate limits, shares and per-client caps (see clientKey). */
export type ClientOf = (request: Request, serverContext: unknown) => string;

/** The most proxies TRUST_PROXY_HOPS may name. */
export const MOST_PROXY_HOPS = 8;

/**
 * The address the request came from when `hops` proxies of the operator's stand in front of the service, each
 * appending the address it saw to X-Forwarded-For: the entry `hops` from its right end, counting the socket's
 * own address as the rightmost. Fewer entries than that, or one that is not an IP address, means the request
 * did not come through every proxy: the socket's address is the one known.
 */
function forwardedAddress(header: string | null, hops: number, socketAddress: string | undefined) {
  if (hops === 0 || header === null || socketAddress === undefined) return socketAddress;
  // Only the `hops` entries at its right end are read: what a client wrote before them is not looked at.
  let end = header.length;
  let entry: string | undefined;
  for (let read = 0; read < hops; read += 1) {
    if (end < 0) return socketAddress;
    const comma = header.lastIndexOf(',', end - 1);
    entry = header.slice(comma + 1, end).trim();
    end = comma;
  }
  return entry !== undefined && isIP(entry) !== 0 ? entry : socketAddress;
}

/** clientKey for each request, its address read through `proxyHops` proxies (0: the socket's). */
export function clientIdentity(authenticate: RequestAuthenticator, proxyHops = 0): ClientOf {
  return (request, serverContext) => {
    const socket = (serverContext as NodeServerContext).req?.socket?.remoteAddress;
    const address = forwardedAddress(request.headers.get('x-forwarded-for'), proxyHops, socket);
    return clientKey(authenticate(request), address);
  };
}
