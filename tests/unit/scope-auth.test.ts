import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin, { type AuthFailure, AuthScopeFailureType } from '@pothos/plugin-scope-auth';
import { type GraphQLSchema, graphql } from 'graphql';
import { describe, expect, it } from 'vitest';
import { scopeAuthOptions, unauthorizedError } from '../../src/auth/scope-auth.js';
import { ANONYMOUS, authScopesFor, type DramaAuthScopes, type Scope, type Viewer } from '../../src/auth/viewer.js';
import { ForbiddenError, UnauthenticatedError } from '../../src/errors.js';

const token = (...scopes: Scope[]): Viewer => ({ kind: 'token', tokenName: 'wiki-bot', scopes });

describe('authScopesFor', () => {
  it('grants nothing to anonymous viewers', () => {
    expect(authScopesFor(ANONYMOUS)).toEqual({ writeCatalog: false, writeStory: false, admin: false });
  });

  it('grants a token its own scopes, and admin implies both write scopes', () => {
    expect(authScopesFor(token('write:story'))).toEqual({ writeCatalog: false, writeStory: true, admin: false });
    expect(authScopesFor(token('write:catalog'))).toEqual({ writeCatalog: true, writeStory: false, admin: false });
    expect(authScopesFor(token('admin'))).toEqual({ writeCatalog: true, writeStory: true, admin: true });
  });
});

describe('unauthorizedError', () => {
  const failure: AuthFailure = {
    kind: AuthScopeFailureType.AuthScope,
    scope: 'writeStory',
    parameter: true,
    error: null,
  };

  it('is UNAUTHENTICATED for an anonymous viewer, naming the scope', () => {
    const error = unauthorizedError(ANONYMOUS, failure);
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect(error.name).toBe('GraphQLError');
    expect(error.extensions).toEqual({ code: 'UNAUTHENTICATED' });
    expect(error.message).toContain('write:story');
  });

  it('is FORBIDDEN for a token without the scope, naming token and scope', () => {
    const error = unauthorizedError(token('write:catalog'), failure);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.extensions).toEqual({ code: 'FORBIDDEN', neededScopes: ['write:story'] });
    expect(error.message).toBe('The token "wiki-bot" lacks the scope this needs: write:story.');
  });

  it('names every alternative of an $any check', () => {
    const any: AuthFailure = {
      kind: AuthScopeFailureType.AnyAuthScopes,
      failures: [failure, { ...failure, scope: 'admin' }],
    };
    expect(unauthorizedError(token(), any).extensions).toEqual({
      code: 'FORBIDDEN',
      neededScopes: ['write:story', 'admin'],
    });
  });
});

/** A throwaway schema built with the service's scope-auth options, with mutations as the write API will declare them. */
function throwawaySchema(): GraphQLSchema {
  const builder = new SchemaBuilder<{ Context: { viewer: Viewer }; AuthScopes: DramaAuthScopes }>({
    plugins: [ScopeAuthPlugin],
    scopeAuth: scopeAuthOptions(),
  });
  builder.queryType({ fields: (t) => ({ title: t.string({ resolve: () => 'Soundtrack #1' }) }) });
  builder.mutationType({
    fields: (t) => ({
      upsertCharacter: t.string({ authScopes: { writeStory: true }, resolve: () => 'story written' }),
      upsertEpisode: t.string({ authScopes: { writeCatalog: true }, resolve: () => 'catalog written' }),
      wipe: t.string({ authScopes: { admin: true }, resolve: () => 'wiped' }),
    }),
  });
  return builder.toSchema();
}

describe('scope-auth on mutation fields', () => {
  const schema = throwawaySchema();
  const run = async (viewer: Viewer, source: string) => {
    const result = await graphql({ schema, source, contextValue: { viewer } });
    return { data: result.data, codes: (result.errors ?? []).map((error) => error.extensions.code) };
  };

  it('leaves reads public', async () => {
    expect(await run(ANONYMOUS, '{ title }')).toEqual({ data: { title: 'Soundtrack #1' }, codes: [] });
  });

  it('refuses anonymous writes with UNAUTHENTICATED', async () => {
    expect((await run(ANONYMOUS, 'mutation { upsertCharacter }')).codes).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses a token without the scope with FORBIDDEN, and lets one with it write', async () => {
    expect((await run(token('write:story'), 'mutation { upsertEpisode }')).codes).toEqual(['FORBIDDEN']);
    expect((await run(token('write:story'), 'mutation { wipe }')).codes).toEqual(['FORBIDDEN']);
    expect(await run(token('write:story'), 'mutation { upsertCharacter }')).toEqual({
      data: { upsertCharacter: 'story written' },
      codes: [],
    });
    expect(await run(token('write:catalog'), 'mutation { upsertEpisode }')).toEqual({
      data: { upsertEpisode: 'catalog written' },
      codes: [],
    });
  });

  it('lets admin do everything', async () => {
    const result = await run(token('admin'), 'mutation { upsertCharacter upsertEpisode wipe }');
    expect(result).toEqual({
      data: { upsertCharacter: 'story written', upsertEpisode: 'catalog written', wipe: 'wiped' },
      codes: [],
    });
  });
});
