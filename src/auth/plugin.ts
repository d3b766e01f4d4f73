import type { Plugin } from 'graphql-yoga';
import { errorResponse } from '../plugins/refusals.js';
import type { RequestAuthenticator } from './verify.js';

const WWW_AUTHENTICATE = 'Bearer realm="drama-graph", error="invalid_token"';

/**
 * A request whose Authorization header is present but not a valid token gets 401 UNAUTHENTICATED with
 * WWW-Authenticate, reads included: a wrong token is a client bug worth surfacing. No header is anonymous.
 */
export function useRejectInvalidTokens(authenticate: RequestAuthenticator, graphqlPath = '/graphql'): Plugin {
  return {
    onRequest: ({ request, url, endResponse }) => {
      if (url.pathname !== graphqlPath) return;
      const result = authenticate(request);
      if (result.ok) return;
      endResponse(errorResponse(401, 'UNAUTHENTICATED', result.reason, { 'www-authenticate': WWW_AUTHENTICATE }));
    },
  };
}
