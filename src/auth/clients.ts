import type { Authentication } from './verify.js';

/** What Node's adapter puts in each request's server context: the socket the request came on. */
export interface NodeServerContext {
  req?: { socket?: { remoteAddress?: string } };
}

/**
 * A client is its verified token (`token:<name>`), else its IP address: anonymous requests and requests with
 * a token that does not verify share their IP's bucket, so made-up tokens cannot mint fresh ones.
 */
export function clientKey(serverContext: NodeServerContext, authentication: Authentication): string {
  if (authentication.ok && authentication.viewer.kind === 'token') return `token:${authentication.viewer.tokenName}`;
  return `ip:${serverContext.req?.socket?.remoteAddress ?? 'local'}`;
}
