import { lexicographicSortSchema, printSchema, specifiedDirectives } from 'graphql';
import { builder } from './builder.js';
import './schema/index.js';
import { watchedThroughDirective } from './spoilers/progress.js';

builder.globalConnectionField('totalCount', (t) =>
  t.int({ description: 'How many items match, across all pages.', resolve: (connection) => connection.totalCount }),
);

export const schema = builder.toSchema({ directives: [...specifiedDirectives, watchedThroughDirective] });

export const printedSchema = (): string => `${printSchema(lexicographicSortSchema(schema))}\n`;
