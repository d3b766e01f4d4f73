import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import './schema/index.js';

builder.globalConnectionField('totalCount', (t) =>
  t.int({ description: 'How many items match, across all pages.', resolve: (connection) => connection.totalCount }),
);

export const schema = builder.toSchema();

export const printedSchema = (): string => `${printSchema(lexicographicSortSchema(schema))}\n`;
