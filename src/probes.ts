import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

const PROBES = new Set(['/health', '/ready']);
const METHODS = new Set(['GET', 'HEAD']);

/**
 * The handler of HEALTH_PORT: GET and HEAD of /health and /ready, answered as on the main port by `current()`;
 * 405 for another method, 404 for any other path. A port of its own has a connection queue of its own, so
 * probes are not queued behind a burst of connections to the main port (the event loop accepts one connection
 * per listening port per turn).
 */
export function probesOnly(current: () => RequestListener): RequestListener {
  return (request: IncomingMessage, response: ServerResponse) => {
    // Origin form and absolute form alike (RFC 9112 §3.2); in `//health`, health is a host, not this path.
    const path = pathOf(request.url ?? '');
    if (path === null || !PROBES.has(path))
      return refuse(response, 404, 'NOT_FOUND', 'HEALTH_PORT serves only /health and /ready.');
    if (refusedProbeMethod(request, response, path)) return;
    current()(request, response);
  };
}

/** Answers 405, allowing GET and HEAD, to any other method asking for a probe's `path`; says whether it did. */
export function refusedProbeMethod(request: IncomingMessage, response: ServerResponse, path: string): boolean {
  if (METHODS.has(request.method ?? '')) return false;
  response.setHeader('allow', 'GET, HEAD');
  refuse(response, 405, 'METHOD_NOT_ALLOWED', `${path} answers GET and HEAD only.`);
  return true;
}

function pathOf(target: string): string | null {
  try {
    return new URL(target, 'http://probe.invalid').pathname;
  } catch {
    return null;
  }
}

/** A coded GraphQL-style error written straight to Node's response, for requests no handler can take. */
export function refuse(response: ServerResponse, status: number, code: string, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}
