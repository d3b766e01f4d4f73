export const SCOPES = ['write:catalog', 'write:story', 'admin', 'export'] as const;
export type Scope = (typeof SCOPES)[number];

export type Viewer = { kind: 'anonymous' } | { kind: 'token'; tokenName: string; scopes: readonly Scope[] };

export const ANONYMOUS: Viewer = Object.freeze({ kind: 'anonymous' });

/** The Pothos scope names; each mutation field asks for one, e.g. `authScopes: { writeStory: true }`. */
export interface DramaAuthScopes {
  writeCatalog: boolean;
  writeStory: boolean;
  admin: boolean;
}

/** The token scope each Pothos scope stands for. */
export const TOKEN_SCOPE_OF: Record<keyof DramaAuthScopes, Scope> = {
  writeCatalog: 'write:catalog',
  writeStory: 'write:story',
  admin: 'admin',
};

/** What the viewer may do; `admin` implies both write scopes. */
export function authScopesFor(viewer: Viewer): DramaAuthScopes {
  const has = (scope: Scope) => viewer.kind === 'token' && viewer.scopes.includes(scope);
  const admin = has('admin');
  return { writeCatalog: admin || has('write:catalog'), writeStory: admin || has('write:story'), admin };
}
