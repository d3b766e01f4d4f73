import { useEngine } from '@envelop/core';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { execute } from 'graphql';
import { createYoga, useReadinessCheck } from 'graphql-yoga';
import { createContextFactory } from './context.js';
import { loadExamples } from './examples.js';
import { schema } from './graphql-schema.js';
import { useVariableErrorCodes } from './plugins/error-codes.js';
import { useWatchedThrough } from './plugins/watched-through.js';
import type { DramaStore } from './store/port.js';

export interface YogaOptions {
  store: DramaStore;
  graphiql?: boolean;
}

/** Builds the HTTP handler: GraphQL at /graphql, liveness at /health, readiness (the store answers) at /ready. */
export function createDramaYoga({ store, graphiql = true }: YogaOptions) {
  return createYoga({
    schema,
    context: createContextFactory(store),
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    maskedErrors: { isDev: false },
    renderGraphiQL,
    graphiql: graphiql && {
      title: 'Drama knowledge graph',
      defaultTabs: loadExamples().map((example) => ({ query: example.document })),
    },
    plugins: [
      // graphql-js's executor keeps response keys in the order the query asks for them.
      useEngine({ execute }),
      useVariableErrorCodes(),
      useWatchedThrough(),
      useReadinessCheck({ endpoint: '/ready', check: () => store.ping().then(() => true) }),
    ],
  });
}

export type DramaYoga = ReturnType<typeof createDramaYoga>;
