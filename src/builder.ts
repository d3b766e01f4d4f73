import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin, { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ValidationPlugin from '@pothos/plugin-validation';
import { type GraphQLNamedType, isObjectType } from 'graphql';
import { scopeAuthOptions } from './auth/scope-auth.js';
import type { DramaAuthScopes } from './auth/viewer.js';
import type { Context } from './context.js';
import { BadUserInputError, InvalidIdError } from './errors.js';

const implementsNode = (type: GraphQLNamedType | undefined) =>
  isObjectType(type) && type.getInterfaces().some((iface) => iface.name === 'Node');

export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  Connection: { totalCount: number; spoilersHidden?: number };
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  AuthScopes: DramaAuthScopes;
  Scalars: { JSONObject: { Input: Record<string, unknown>; Output: Record<string, unknown> } };
}>({
  defaultFieldNullability: false,
  plugins: [ScopeAuthPlugin, ErrorsPlugin, RelayPlugin, DataloaderPlugin, ValidationPlugin],
  scopeAuth: scopeAuthOptions(),
  validation: {
    validationError: (failure) =>
      new BadUserInputError(failure.issues.map((issue) => issue.message).join('; '), {
        issues: failure.issues.map((issue) => ({ path: issue.path?.map(String) ?? [], message: issue.message })),
      }),
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
    nodesQueryOptions: false,
    nodeQueryOptions: {
      description: 'Fetches any object that has an id, by that id; null when nothing has it.',
      resolve: (_root, { id }, _ctx, info, resolveNode) => {
        if (!implementsNode(info.schema.getType(id.typename)))
          throw new InvalidIdError(encodeGlobalID(id.typename, String(id.id)));
        return resolveNode(id);
      },
    },
    encodeGlobalID,
    decodeGlobalID: (globalID: string) => {
      try {
        return decodeGlobalID(globalID);
      } catch {
        throw new InvalidIdError(globalID);
      }
    },
  },
});

builder.queryType({ description: 'Read the drama knowledge graph. Every list is in story order.' });
builder.mutationType({
  description:
    'Write the drama knowledge graph. Every write is keyed by slugs, so a retry is harmless; each one is a single ' +
    'transaction, checked against the story inside it, and needs a bearer token with the scope the field names.',
});
