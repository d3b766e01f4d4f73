import { builder } from '../builder.js';
import { episodeKey } from '../domain/keys.js';
import type { RelationshipChange } from '../domain/timeline.js';
import { causeOf, timelineOf } from '../reads/timeline.js';
import { EpisodeRef } from './episode.js';
import { PlotEventRef } from './plot-event.js';
import { RelationshipKindEnum, RelationshipRef } from './relationship.js';

const RelationshipChangeType = builder.objectRef<RelationshipChange>('RelationshipChange').implement({
  description: 'A moment at which what binds two characters changes.',
  fields: (t) => ({
    episode: t.field({
      type: EpisodeRef,
      nullable: true,
      description: 'The episode in which it changes; null for how things stood before the story starts.',
      resolve: (c) => (c.episode === null ? null : episodeKey(c.seriesKey, c.episode)),
    }),
    before: t.field({
      type: [RelationshipKindEnum],
      description: 'The kinds binding the two, in either direction, just before the change; by name.',
      resolve: (c) => c.before,
    }),
    after: t.field({
      type: [RelationshipKindEnum],
      description: 'The kinds binding the two, in either direction, just after the change; by name.',
      resolve: (c) => c.after,
    }),
    began: t.field({ type: [RelationshipRef], description: 'Relationships that begin here.', resolve: (c) => c.began }),
    ended: t.field({ type: [RelationshipRef], description: 'Relationships that end here.', resolve: (c) => c.ended }),
    cause: t.field({
      type: PlotEventRef,
      nullable: true,
      description:
        'What brought it about: the last event of that episode, by sequence, of kind CONFESSION, KISS, REUNION, ' +
        'REJECTION, DEPARTURE or ASK_OUT in which one of the two acts on the other (agent and target either way). ' +
        'Null before the story or where no such event is known.',
      resolve: (c, _args, ctx) => causeOf(ctx.loaders, c),
    }),
  }),
});

builder.queryField('relationshipTimeline', (t) =>
  t.field({
    type: [RelationshipChangeType],
    description:
      'Every change in what binds two characters, in story order, from how they stood before the story on. ' +
      "Changes after the viewer's progress are not shown. Empty when the two were never related.",
    args: {
      series: t.arg.string({ required: true, description: 'The series slug.' }),
      a: t.arg.string({ required: true, description: 'One character slug.' }),
      b: t.arg.string({ required: true, description: 'The other character slug.' }),
    },
    resolve: (_root, args, ctx) => timelineOf(ctx.loaders, args),
  }),
);
