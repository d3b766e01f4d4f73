import type { AuthFailure, ForbiddenResult } from '@pothos/plugin-scope-auth';
import { ForbiddenError, UnauthenticatedError } from '../errors.js';
import { authScopesFor, type DramaAuthScopes, type Scope, TOKEN_SCOPE_OF, type Viewer } from './viewer.js';

interface ViewerContext {
  viewer: Viewer;
}

/** Fits any builder whose context has a viewer and whose SchemaTypes declare `AuthScopes: DramaAuthScopes`. */
export interface DramaScopeAuthOptions {
  authScopes: (context: ViewerContext) => DramaAuthScopes;
  unauthorizedError: (parent: unknown, context: ViewerContext, info: unknown, result: ForbiddenResult) => Error;
}

const isDramaScope = (scope: string): scope is keyof DramaAuthScopes => scope in TOKEN_SCOPE_OF;

/** The token scopes a failed check asked for, e.g. ['write:story']. */
function neededScopes(failure: AuthFailure): Scope[] {
  switch (failure.kind) {
    case 'AuthScope':
      return isDramaScope(failure.scope) ? [TOKEN_SCOPE_OF[failure.scope]] : [];
    case 'AnyAuthScopes':
    case 'AllAuthScopes':
      return [...new Set(failure.failures.flatMap(neededScopes))];
    default:
      return [];
  }
}

/** UNAUTHENTICATED for an anonymous viewer, FORBIDDEN for a token without the scope; both name the scope. */
export function unauthorizedError(viewer: Viewer, failure: AuthFailure): UnauthenticatedError | ForbiddenError {
  const needed = neededScopes(failure);
  const scopes = needed.length > 0 ? needed : ['admin'];
  if (viewer.kind === 'anonymous') {
    return new UnauthenticatedError(
      `This needs a bearer token with the ${scopes.join(' or ')} scope (Authorization: Bearer <token>).`,
    );
  }
  return new ForbiddenError(viewer.tokenName, scopes);
}

/** The scope-auth plugin's options, shared by the service's builder and by tests that build schemas of their own. */
export function scopeAuthOptions(): DramaScopeAuthOptions {
  return {
    authScopes: (context) => authScopesFor(context.viewer),
    unauthorizedError: (_parent, context, _info, result) => unauthorizedError(context.viewer, result.failure),
  };
}
