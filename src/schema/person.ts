import { builder } from '../builder.js';
import type { PersonRecord } from '../domain/records.js';
import { afterPendingTurn } from '../reads/slices.js';
import { toPersonRecord } from '../writes/catalog-inputs.js';
import { CastingType } from './casting.js';
import { CreditType } from './credit.js';
import { ExternalIdsInput, externalIdsField } from './external-ids.js';
import { citedFields } from './source.js';
import { DeletionType, SourceInput, writeErrors } from './write-results.js';

export const PersonRef = builder.loadableNodeRef('Person', {
  id: { resolve: (person: PersonRecord) => person.key },
  load: (keys: string[], ctx) => ctx.loaders.person.loadMany(keys),
  loaderOptions: { batchScheduleFn: afterPendingTurn },
});

PersonRef.implement({
  description: 'A real person: an actor, a director or a writer.',
  fields: (t) => ({
    slug: t.exposeString('slug', { description: 'Kebab-case ASCII of the romanized name, such as "han-so-hee".' }),
    name: t.exposeString('name', { description: 'The romanized name.' }),
    nativeName: t.exposeString('nativeName', { nullable: true, description: 'The name in the original script.' }),
    externalIds: t.field({ ...externalIdsField, resolve: (person) => person.externalIds }),
    ...citedFields(t),
    castings: t.field({
      type: [CastingType],
      description: 'The roles this person plays, by series.',
      resolve: (person, _args, ctx) => ctx.loaders.castingsByPerson.load(person.key),
    }),
    credits: t.field({
      type: [CreditType],
      description: 'What this person directed or wrote, by series.',
      resolve: (person, _args, ctx) => ctx.loaders.creditsByPerson.load(person.key),
    }),
  }),
});

builder.queryField('person', (t) =>
  t.field({
    type: PersonRef,
    nullable: true,
    description: 'A person by slug, or null when there is none.',
    args: { slug: t.arg.string({ required: true }) },
    resolve: (_root, { slug }) => slug,
  }),
);

const UpsertPersonInput = builder.inputType('UpsertPersonInput', {
  description: 'A real person, keyed by slug.',
  fields: (t) => ({
    slug: t.string({ required: true, description: 'Kebab-case ASCII of the romanized name.' }),
    name: t.string({ required: true }),
    nativeName: t.string(),
    externalIds: t.field({ type: ExternalIdsInput, description: 'Left out or null: none known.' }),
    source: t.field({ type: SourceInput, description: 'Where it comes from; or give sources.' }),
    sources: t.field({ type: [SourceInput], description: 'Every source it comes from; not together with source.' }),
  }),
});

builder.mutationFields((t) => ({
  upsertPerson: t.field({
    type: PersonRef,
    description: 'Creates or replaces a person by slug. Needs write:catalog.',
    authScopes: { writeCatalog: true },
    errors: writeErrors('UpsertPerson', 'person'),
    args: { input: t.arg({ type: UpsertPersonInput, required: true }) },
    resolve: async (_root, { input }, ctx) => (await ctx.writer.upsert('people', toPersonRecord(input))).key,
  }),
  deletePerson: t.field({
    type: DeletionType,
    description: 'Deletes a person; refused while they are cast, credited or billed as a star. Needs write:catalog.',
    authScopes: { writeCatalog: true },
    errors: writeErrors('DeletePerson', 'deletion'),
    args: { slug: t.arg.string({ required: true }) },
    resolve: (_root, { slug }, ctx) => ctx.writer.delete('people', slug),
  }),
}));
