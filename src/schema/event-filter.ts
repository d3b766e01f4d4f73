import { z } from 'zod';
import { builder } from '../builder.js';
import { LIMITS } from '../domain/rules.js';
import { DEFAULT_PAGE_SIZE, pageSizeSchema } from '../pagination.js';
import { eventsFieldRequests } from '../reads/event-pages.js';
import { EventOutcomeEnum, PlotEventKindEnum, PlotEventRef } from './plot-event.js';
import { CertaintyEnum } from './source.js';
import { eventsConnection } from './support/pages.js';

const slug = (name: string) =>
  z.string().max(LIMITS.slugLength, `${name} must be at most ${LIMITS.slugLength} characters`).nullish();

const EventFilterInput = builder.inputType('EventFilter', {
  description: 'Narrows plot events. Every given field must match; omitted fields match everything.',
  fields: (t) => ({
    series: t.string({ description: 'A series slug.', validate: slug('series') }),
    episode: t.int({
      description: 'An episode number (within the series, when one is given).',
      validate: z.number().int().positive('episode must be 1 or more').nullish(),
    }),
    kinds: t.field({ type: [PlotEventKindEnum], description: 'Any of these kinds. An empty list matches nothing.' }),
    agent: t.string({ description: 'The slug of the character who acts.', validate: slug('agent') }),
    target: t.string({ description: 'The slug of the character acted upon.', validate: slug('target') }),
    participant: t.string({
      description: 'The slug of a character taking part in any role.',
      validate: slug('participant'),
    }),
    outcome: t.field({ type: EventOutcomeEnum }),
    certainty: t.field({
      type: CertaintyEnum,
      description: 'Only events a source states (STATED), or only those inferred from the sources (INFERRED).',
    }),
  }),
});

const PlotEventConnection = builder.connectionObject({
  type: PlotEventRef,
  name: 'PlotEventConnection',
  fields: (t) => ({
    spoilersHidden: t.int({
      description:
        'How many events of the filtered series and episode are hidden because they come after the episode the ' +
        'viewer watched through. Only `series` and `episode` narrow this count: narrowing it by character, kind, ' +
        'outcome or certainty would tell what the hidden events are.',
      resolve: (connection) => connection.spoilersHidden ?? 0,
    }),
  }),
});

builder.queryField('events', (t) =>
  t.field({
    type: PlotEventConnection,
    description:
      'Plot events across the graph in story order (series, episode, sequence), a page at a time. ' +
      'Ask "which character confessed to whom in which episode" with kinds: [CONFESSION]. ' +
      "Events after the viewer's progress (@watchedThrough, X-Watched-Through) are neither listed nor counted.",
    args: {
      filter: t.arg({ type: EventFilterInput }),
      first: t.arg.int({
        description: `How many to return (0 to 100, default ${DEFAULT_PAGE_SIZE}).`,
        validate: pageSizeSchema.nullish(),
      }),
      after: t.arg.string({ description: 'The endCursor of the previous page.' }),
    },
    resolve: async (_root, args, ctx) => {
      const { page, counted } = eventsFieldRequests(args, ctx.progress);
      const [found, hidden] = await Promise.all([
        ctx.loaders.eventsPage.load(page),
        counted && ctx.loaders.eventsPage.load(counted),
      ]);
      const connection = eventsConnection(page, found);
      return hidden ? { ...connection, spoilersHidden: hidden.hiddenCount } : connection;
    },
  }),
);
