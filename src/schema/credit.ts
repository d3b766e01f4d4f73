import { builder } from '../builder.js';
import type { CreditRecord } from '../domain/records.js';
import { CREDIT_ROLES } from '../domain/vocabulary.js';
import { PersonRef } from './person.js';
import { SeriesRef } from './series.js';
import { sourceField } from './source.js';
import { describedValues } from './support/enum-values.js';

export const CreditRoleEnum = builder.enumType('CreditRole', {
  description: 'What a person did behind the camera.',
  values: describedValues(CREDIT_ROLES, { DIRECTOR: 'Directed the series.', WRITER: 'Wrote the series.' }),
});

export const CreditType = builder.objectRef<CreditRecord>('Credit').implement({
  description: 'A person credited for work on a series.',
  fields: (t) => ({
    person: t.field({ type: PersonRef, resolve: (credit) => credit.personKey }),
    series: t.field({ type: SeriesRef, resolve: (credit) => credit.seriesKey }),
    role: t.field({ type: CreditRoleEnum, resolve: (credit) => credit.role }),
    source: t.field({ ...sourceField, resolve: (credit) => credit.source }),
  }),
});
