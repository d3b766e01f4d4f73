import { builder } from '../builder.js';
import type { CastingRecord } from '../domain/records.js';
import { BILLINGS } from '../domain/vocabulary.js';
import { CharacterRef } from './character.js';
import { PersonRef } from './person.js';
import { SeriesRef } from './series.js';
import { sourceField } from './source.js';
import { describedValues } from './support/enum-values.js';

export const BillingEnum = builder.enumType('Billing', {
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
    source: t.field({ ...sourceField, resolve: (casting) => casting.source }),
  }),
});
