import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../builder.js';
import { COLLECTION_FACTS, type Collection } from '../domain/collections.js';
import { type FieldIssue, ValidationError } from '../domain/integrity/validation.js';
import { RULE_NAMES } from '../domain/rule-names.js';
import type { Deletion } from '../writes/writer.js';

export const SourceInput = builder.inputType('SourceInput', {
  description: 'Where a written fact comes from. Every write needs one.',
  fields: (t) => ({
    document: t.string({ required: true, description: 'The title of the source document.' }),
    paragraph: t.int({ description: 'The 1-based paragraph of the document, counting every non-blank line as one.' }),
  }),
});

const FieldIssueType = builder.objectRef<FieldIssue>('FieldIssue').implement({
  description: 'One reason a write was refused.',
  fields: (t) => ({
    path: t.exposeStringList('path', {
      description: 'Where the problem is: argument and field names, list indexes as numbers.',
    }),
    message: t.exposeString('message', { description: 'What is wrong, in words a person can act on.' }),
    rule: t.string({
      nullable: true,
      description: `The rule broken, stable for programs (docs/writing.md says what each means): ${Object.keys(RULE_NAMES).join(', ')}. See seeds/README.md for the limits.`,
      resolve: (issue) => issue.rule ?? null,
    }),
  }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  description: 'The write was refused and nothing was written: the input is malformed or would break the story.',
  fields: (t) => ({
    message: t.exposeString('message', { description: 'All the problems, in one sentence.' }),
    path: t.stringList({
      description: 'The path of the first problem.',
      resolve: (error) => error.issues[0]?.path ?? [],
    }),
    issues: t.field({ type: [FieldIssueType], description: 'Every problem found.', resolve: (error) => error.issues }),
  }),
});

/** The global ID a record of `collection` has, or null when its type has none. */
const nodeIdOf = (collection: Collection, key: string): string | null => {
  const type = COLLECTION_FACTS[collection].nodeType;
  return type === null ? null : encodeGlobalID(type, key);
};

export const DeletionType = builder.objectRef<Deletion>('Deletion').implement({
  description: 'What a delete removed. Deleting what does not exist succeeds too, so a retry is harmless.',
  fields: (t) => ({
    key: t.exposeString('key', { description: 'The stable key of the deleted record, built from slugs.' }),
    id: t.id({
      nullable: true,
      description: 'The global ID the record had; null for castings and credits, which have none.',
      resolve: ({ collection, key }) => nodeIdOf(collection, key),
    }),
    alsoDeleted: t.exposeInt('alsoDeleted', {
      description: 'How many other records went with it (a cascaded series).',
    }),
  }),
});

/** The errors option of a write field: ValidationError as a typed result beside `<Name>Success { <dataField> }`. */
export const writeErrors = (name: string, dataField: string) => ({
  types: [ValidationError],
  union: { name: `${name}Result` },
  result: { name: `${name}Success` },
  dataField: { name: dataField },
});
