import { builder } from '../builder.js';
import { creditKey } from '../domain/keys.js';
import type { CreditRecord } from '../domain/records.js';
import { CREDIT_ROLES } from '../domain/vocabulary.js';
import { toCreditRecord } from '../writes/catalog-inputs.js';
import { PersonRef } from './person.js';
import { SeriesRef } from './series.js';
import { citedFields } from './source.js';
import { describedValues } from './support/enum-values.js';
import { DeletionType, SourceInput, writeErrors } from './write-results.js';

const CreditRoleEnum = builder.enumType('CreditRole', {
  description: 'What a person did behind the camera.',
  values: describedValues(CREDIT_ROLES, { DIRECTOR: 'Directed the series.', WRITER: 'Wrote the series.' }),
});

export const CreditType = builder.objectRef<CreditRecord>('Credit').implement({
  description: 'A person credited for work on a series.',
  fields: (t) => ({
    person: t.field({ type: PersonRef, resolve: (credit) => credit.personKey }),
    series: t.field({ type: SeriesRef, resolve: (credit) => credit.seriesKey }),
    role: t.field({ type: CreditRoleEnum, resolve: (credit) => credit.role }),
    ...citedFields(t),
  }),
});

const UpsertCreditInput = builder.inputType('UpsertCreditInput', {
  description: 'A person credited on a series; keyed by series, person and role.',
  fields: (t) => ({
    series: t.string({ required: true, description: 'The series slug.' }),
    person: t.string({ required: true, description: 'The person slug.' }),
    role: t.field({ type: CreditRoleEnum, required: true }),
    source: t.field({ type: SourceInput, description: 'Where it comes from; or give sources.' }),
    sources: t.field({ type: [SourceInput], description: 'Every source it comes from; not together with source.' }),
  }),
});

builder.mutationFields((t) => ({
  upsertCredit: t.field({
    type: CreditType,
    description: 'Creates or replaces a credit. Needs write:catalog.',
    authScopes: { writeCatalog: true },
    errors: writeErrors('UpsertCredit', 'credit'),
    args: { input: t.arg({ type: UpsertCreditInput, required: true }) },
    resolve: (_root, { input }, ctx) => ctx.writer.upsert('credits', toCreditRecord(input)),
  }),
  deleteCredit: t.field({
    type: DeletionType,
    description: 'Deletes a credit. Needs write:catalog.',
    authScopes: { writeCatalog: true },
    errors: writeErrors('DeleteCredit', 'deletion'),
    args: {
      series: t.arg.string({ required: true }),
      person: t.arg.string({ required: true }),
      role: t.arg({ type: CreditRoleEnum, required: true }),
    },
    resolve: (_root, { series, person, role }, ctx) => ctx.writer.delete('credits', creditKey(series, person, role)),
  }),
}));
