import { z } from 'zod';
import { builder } from '../builder.js';
import { REASON_WEIGHTS, type Recommendation, type RecommendationReason } from '../domain/recommendations.js';
import { MOST_RECOMMENDATIONS, reasonText, recommendationsOf } from '../reads/recommendations.js';
import { PersonRef } from './person.js';
import { SeriesRef } from './series.js';
import { describedValues } from './support/enum-values.js';
import { TropeKindEnum } from './trope.js';

const { SHARED_TROPE, SHARED_PERSON, SHARED_GENRE } = REASON_WEIGHTS;
const WEIGHTS = `${SHARED_TROPE} per shared trope, ${SHARED_PERSON} per shared person, ${SHARED_GENRE} per shared genre`;

const ReasonKindEnum = builder.enumType('RecommendationReasonKind', {
  description: 'What two series have in common.',
  values: describedValues(['SHARED_TROPE', 'SHARED_PERSON', 'SHARED_GENRE'] as const, {
    SHARED_TROPE: `Both show the trope (weight ${SHARED_TROPE}).`,
    SHARED_PERSON: `The same person stars in, plays in, directs or writes both (weight ${SHARED_PERSON}).`,
    SHARED_GENRE: `Both have the genre (weight ${SHARED_GENRE}).`,
  }),
});

const ReasonType = builder.objectRef<RecommendationReason>('RecommendationReason').implement({
  description: 'One thing the recommended series shares with the one it is recommended for.',
  fields: (t) => ({
    kind: t.field({ type: ReasonKindEnum, resolve: (r) => r.kind }),
    text: t.string({
      description: 'For display, such as "Also has friends to lovers".',
      resolve: (r, _a, ctx) => reasonText(ctx.loaders, r),
    }),
    weight: t.exposeFloat('weight', { description: `What it adds to the score: ${WEIGHTS}.` }),
    trope: t.field({ type: TropeKindEnum, nullable: true, description: 'The shared trope.', resolve: (r) => r.trope }),
    person: t.field({
      type: PersonRef,
      nullable: true,
      description: 'The shared person.',
      resolve: (r) => r.personKey,
    }),
    genre: t.exposeString('genre', { nullable: true, description: 'The shared genre slug.' }),
  }),
});

const RecommendationType = builder.objectRef<Recommendation>('Recommendation').implement({
  description: 'Another series a viewer may like, and why.',
  fields: (t) => ({
    series: t.field({ type: SeriesRef, resolve: (r) => r.seriesKey }),
    score: t.exposeFloat('score', { description: `The sum of the reasons' weights: ${WEIGHTS}.` }),
    reasons: t.field({
      type: [ReasonType],
      description: 'Shared tropes in TropeKind order, then people by slug, then genres by name.',
      resolve: (r) => r.reasons,
    }),
  }),
});

builder.objectField(SeriesRef, 'recommendations', (t) =>
  t.field({
    type: [RecommendationType],
    description: `Other series sharing tropes, people or genres, best score first (${WEIGHTS}), ties by slug; none that share nothing.`,
    args: {
      first: t.arg.int({
        defaultValue: 5,
        description: `How many to return, 1 to ${MOST_RECOMMENDATIONS}; null means 5.`,
        validate: z
          .number()
          .int()
          .min(1, 'first must be 1 or more')
          .max(MOST_RECOMMENDATIONS, `first must be at most ${MOST_RECOMMENDATIONS}`)
          .nullish(),
      }),
    },
    resolve: (series, { first }, ctx) => recommendationsOf(ctx.store, ctx.loaders, ctx.progress, series, first ?? 5),
  }),
);
