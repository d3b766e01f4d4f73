import { createServer } from 'node:http';
import { Neo4jGraphQL } from '@neo4j/graphql';
import { createYoga } from 'graphql-yoga';
import neo4j from 'neo4j-driver';
import { PEER_TYPE_DEFS } from './peer-schema.js';

/* The peer: @neo4j/graphql serving equivalent type definitions on the same Neo4j (run as a child process). */

const env = (name: string, fallback?: string) => process.env[name] ?? fallback ?? '';
const driver = neo4j.driver(env('NEO4J_URI'), neo4j.auth.basic(env('NEO4J_USER', 'neo4j'), env('NEO4J_PASSWORD')));
const database = env('NEO4J_DATABASE', 'neo4j');
const schema = await new Neo4jGraphQL({ typeDefs: PEER_TYPE_DEFS, driver }).getSchema();
const yoga = createYoga({
  schema,
  context: () => ({ sessionConfig: { database } }),
  graphqlEndpoint: '/graphql',
  landingPage: false,
  logging: 'warn',
});
createServer(yoga).listen(Number(env('PORT', '4100')), env('HOST', '127.0.0.1'));
