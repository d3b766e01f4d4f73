import type { RequestListener } from 'node:http';

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Serves a request sent in absolute form (`GET http://host/graphql HTTP/1.1`, RFC 9112 §3.2.2, as proxies send
 * them) as its origin form (`/graphql`): the handler builds its URL from Host and the target, and would
 * otherwise see no path it knows. A target that is not a URL is passed on as it came.
 */
export function inOriginForm(listener: RequestListener): RequestListener {
  return (request, response) => {
    const target = request.url ?? '';
    if (ABSOLUTE.test(target)) {
      try {
        const url = new URL(target);
        request.url = `${url.pathname}${url.search}`;
      } catch {
        // Not a URL: the handler answers it as it would any unknown target.
      }
    }
    listener(request, response);
  };
}
