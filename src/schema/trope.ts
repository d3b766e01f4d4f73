import { builder } from '../builder.js';
import { EXPLAINED_OCCURRENCES, TROPE_KINDS, type Trope, type TropeEvidence } from '../domain/tropes.js';
import { CharacterRef } from './character.js';
import { PlotEventRef } from './plot-event.js';
import { RelationshipRef } from './relationship.js';
import { SeriesRef } from './series.js';
import { describedValues } from './support/enum-values.js';

export const TropeKindEnum = builder.enumType('TropeKind', {
  description: 'A storytelling pattern the service recognises in the graph itself, not from hand-set tags.',
  values: describedValues(TROPE_KINDS, {
    FRIENDS_TO_LOVERS: 'A FRIEND or BEST_FRIEND relationship, then later a ROMANTIC one between the same two.',
    UNREQUITED_LOVE: 'A CONFESSION answered with REJECTED.',
    LOVE_TRIANGLE:
      'Two or more characters drawn to the same third one: ROMANTIC or UNREQUITED_LOVE relationships, or CONFESSION or ASK_OUT events, toward them.',
    TIME_SKIP: 'A TIME_SKIP event.',
    REUNION_AFTER_SEPARATION:
      'A DEPARTURE of a character (its agent, else its target), then a later REUNION they take part in.',
  }),
});

const TropeEvidenceType = builder.objectRef<TropeEvidence>('TropeEvidence').implement({
  description: 'One occurrence of a trope and the facts that show it.',
  fields: (t) => ({
    explanation: t.exposeString('explanation', { description: 'How these facts make the trope, in one sentence.' }),
    relationships: t.field({
      type: [RelationshipRef],
      description: 'The relationships involved.',
      resolve: (e) => e.relationships,
    }),
    events: t.field({
      type: [PlotEventRef],
      description: 'The plot events involved, in story order.',
      resolve: (e) => e.events,
    }),
    characters: t.field({
      type: [CharacterRef],
      description: 'The characters involved; for a love triangle, the one desired first.',
      resolve: (e) => e.characterKeys,
    }),
  }),
});

const TropeType = builder.objectRef<Trope>('Trope').implement({
  description: 'A trope a series shows, derived from its relationships and events and explained by them.',
  fields: (t) => ({
    kind: t.field({ type: TropeKindEnum, resolve: (trope) => trope.kind }),
    name: t.exposeString('name', { description: 'The trope in words, such as "friends to lovers".' }),
    explanation: t.exposeString('explanation', {
      description: `Each occurrence's explanation, in order, up to the first ${EXPLAINED_OCCURRENCES}; then how many more there are (evidence lists them all).`,
    }),
    evidence: t.field({
      type: [TropeEvidenceType],
      description: 'Each occurrence with its facts.',
      resolve: (trope) => trope.evidence,
    }),
  }),
});

builder.objectField(SeriesRef, 'tropes', (t) =>
  t.field({
    type: [TropeType],
    description: 'The tropes the story shows, in TropeKind order, from what the viewer has watched only.',
    resolve: (series, _args, ctx) => ctx.loaders.tropesOf(series),
  }),
);
