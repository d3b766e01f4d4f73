import type { RequestListener } from 'node:http';
import { refuse } from './probes.js';

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Serves a request sent in absolute form (`GET http://host/graphql HTTP/1.1`, RFC 9112 §3.2.2, as proxies send
 * them) as its origin form (`/graphql`): the handler builds its URL from Host and the target, and would
 * otherwise see no path it knows. Any other target that is not a path (`*`, `graphql`, an absolute form that is
 * not a URL) is 400 here: the handler could not build a URL of it, and answered 500 with a stack.
 */
export function inOriginForm(listener: RequestListener): RequestListener {
  return (request, response) => {
    const target = request.url ?? '';
    if (ABSOLUTE.test(target)) {
      if (!URL.canParse(target)) return refuse(response, 400, 'BAD_REQUEST', 'The request target is not a URL.');
      const url = new URL(target);
      request.url = `${url.pathname}${url.search}`;
    } else if (!target.startsWith('/')) {
      return refuse(
        response,
        400,
        'BAD_REQUEST',
        'The request target must be a path, like /graphql (or an absolute URL).',
      );
    }
    listener(request, response);
  };
}
