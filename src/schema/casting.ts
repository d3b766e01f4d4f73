import { builder } from '../builder.js';
import { castingKey, scopedKey } from '../domain/keys.js';
import type { CastingRecord } from '../domain/records.js';
import { BILLINGS } from '../domain/vocabulary.js';
import { toCastingRecord } from '../writes/catalog-inputs.js';
import { CharacterRef } from './character.js';
import { PersonRef } from './person.js';
import { SeriesRef } from './series.js';
import { citedFields, judgedFields, judgedInputFields } from './source.js';
import { describedValues } from './support/enum-values.js';
import { DeletionType, SourceInput, writeErrors } from './write-results.js';

const BillingEnum = builder.enumType('Billing', {
  description: 'How prominently a role is billed.',
  values: describedValues(BILLINGS, {
    MAIN: 'A lead role.',
    SUPPORTING: 'A supporting role.',
    GUEST: 'A guest or cameo appearance.',
  }),
});

export const CastingType = builder.objectRef<CastingRecord>('Casting').implement({
  description: 'A person playing a character in a series.',
  fields: (t) => ({
    person: t.field({ type: PersonRef, resolve: (casting) => casting.personKey }),
    character: t.field({ type: CharacterRef, resolve: (casting) => casting.characterKey }),
    series: t.field({ type: SeriesRef, resolve: (casting) => casting.seriesKey }),
    billing: t.field({ type: BillingEnum, resolve: (casting) => casting.billing }),
    ...citedFields(t),
    ...judgedFields(t),
  }),
});

const UpsertCastingInput = builder.inputType('UpsertCastingInput', {
  description: 'A person playing a character; keyed by series, character and person.',
  fields: (t) => ({
    series: t.string({ required: true, description: 'The series slug.' }),
    person: t.string({ required: true, description: 'The person slug.' }),
    character: t.string({ required: true, description: 'The character slug, within the series.' }),
    billing: t.field({ type: BillingEnum, required: true }),
    ...judgedInputFields(t, 'casting'),
    source: t.field({ type: SourceInput, description: 'Where it comes from; or give sources.' }),
    sources: t.field({ type: [SourceInput], description: 'Every source it comes from; not together with source.' }),
  }),
});

builder.mutationFields((t) => ({
  upsertCasting: t.field({
    type: CastingType,
    description: 'Creates or replaces a casting. Needs write:catalog.',
    authScopes: { writeCatalog: true },
    errors: writeErrors('UpsertCasting', 'casting'),
    args: { input: t.arg({ type: UpsertCastingInput, required: true }) },
    resolve: (_root, { input }, ctx) => ctx.writer.upsert('castings', toCastingRecord(input), input),
  }),
  deleteCasting: t.field({
    type: DeletionType,
    description: 'Deletes a casting. Needs write:catalog.',
    authScopes: { writeCatalog: true },
    errors: writeErrors('DeleteCasting', 'deletion'),
    args: {
      series: t.arg.string({ required: true }),
      person: t.arg.string({ required: true }),
      character: t.arg.string({ required: true }),
    },
    resolve: (_root, { series, person, character }, ctx) =>
      ctx.writer.delete('castings', castingKey(scopedKey(series, character), person)),
  }),
}));
