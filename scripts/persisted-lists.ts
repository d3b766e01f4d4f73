import path from 'node:path';
import { addTypenameToDocument, print as printForApollo } from '@apollo/client/utilities';
import { sortTopLevelDefinitions } from '@apollo/persisted-query-lists';
import { createRequest, formatDocument, stringifyDocument } from '@urql/core';
import { Kind, type OperationDefinitionNode, parse } from 'graphql';
import { operationId, type PersistedOperations } from '../src/config/persisted-operations.js';
import type { ExampleOperation } from '../src/examples.js';
import { PACKAGE_ROOT } from '../src/package-root.js';

/** The Apollo persisted-query manifest (the format of @apollo/persisted-query-lists and Apollo's generator). */
export interface ApolloManifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: { id: string; name: string; type: 'query' | 'mutation' | 'subscription'; body: string }[];
}

export const APOLLO_MANIFEST_FILE = path.join(PACKAGE_ROOT, 'persisted-query-manifest.json');

/** What Apollo Client sends for a document: printed with __typename added (its cache's transform). */
const apolloText = (document: string) =>
  printForApollo(sortTopLevelDefinitions(addTypenameToDocument(parse(document))));

/** What urql sends: its own print, with __typename added when its cacheExchange runs, and as written without it. */
const urqlTexts = (document: string) => {
  const request = createRequest(document, {});
  return [stringifyDocument(formatDocument(request.query)), stringifyDocument(request.query)];
};

/**
 * The committed list in the form Relay and urql read (sha256 of the text -> text): each example as written
 * (widgets, curl, docs) and as Apollo Client and urql print it, so that those clients hit it by hash.
 */
export function buildCommittedList(examples: readonly ExampleOperation[]): PersistedOperations {
  const texts = examples.flatMap(({ document }) => [document, apolloText(document), ...urqlTexts(document)]);
  const entries = texts.map((text) => [operationId(text), text] as const);
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}

export function buildApolloManifest(examples: readonly ExampleOperation[]): ApolloManifest {
  const operations = examples.map(({ document }) => {
    const body = apolloText(document);
    const definition = parse(body).definitions.find(
      (each): each is OperationDefinitionNode => each.kind === Kind.OPERATION_DEFINITION,
    );
    if (!definition?.name) throw new Error(`an example needs one named operation: ${body.slice(0, 80)}`);
    return { id: operationId(body), name: definition.name.value, type: definition.operation, body };
  });
  return { format: 'apollo-persisted-query-manifest', version: 1, operations };
}

export const renderJson = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
