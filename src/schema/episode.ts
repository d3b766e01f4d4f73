import { z } from 'zod';
import { builder } from '../builder.js';
import { episodeKey } from '../domain/keys.js';
import type { EpisodeRecord } from '../domain/records.js';
import { afterPendingTurn } from '../reads/slices.js';
import { toEpisodeRecord } from '../writes/catalog-inputs.js';
import { PlotEventKindEnum, PlotEventRef } from './plot-event.js';
import { SeriesRef } from './series.js';
import { citedFields } from './source.js';
import { DeletionType, SourceInput, writeErrors } from './write-results.js';

export const EpisodeRef = builder.loadableNodeRef('Episode', {
  id: { resolve: (episode: EpisodeRecord) => episode.key },
  load: (keys: string[], ctx) => ctx.loaders.episode.loadMany(keys),
  loaderOptions: { batchScheduleFn: afterPendingTurn },
});

EpisodeRef.implement({
  description: 'One numbered episode of a series.',
  fields: (t) => ({
    series: t.field({ type: SeriesRef, resolve: (episode) => episode.seriesKey }),
    number: t.exposeInt('number', { description: 'The 1-based episode number.' }),
    title: t.exposeString('title', { nullable: true }),
    runtimeMinutes: t.exposeInt('runtimeMinutes', { nullable: true, description: 'The running time, in minutes.' }),
    isFinale: t.boolean({
      description: "True for the series' last episode (its number is the series' episodeCount).",
      resolve: async (episode, _args, ctx) =>
        (await ctx.loaders.series.load(episode.seriesKey))?.episodeCount === episode.number,
    }),
    events: t.field({
      type: [PlotEventRef],
      description: 'What happens in this episode, in story order (by sequence).',
      args: { kinds: t.arg({ type: [PlotEventKindEnum], description: 'Only these kinds; omit for all.' }) },
      resolve: (episode, { kinds }, ctx) =>
        ctx.loaders.eventsOfEpisode.load({ episodeKey: episode.key, kinds: kinds ?? null }),
    }),
    spoilersHidden: t.int({
      description: 'How many events of this episode are hidden because the viewer has not watched this far.',
      resolve: (episode, _args, ctx) => ctx.loaders.hiddenInEpisode.load(episode.key),
    }),
    ...citedFields(t),
  }),
});

builder.queryField('episode', (t) =>
  t.field({
    type: EpisodeRef,
    nullable: true,
    description:
      "An episode by series slug and number, or null when the graph has no such episode or it comes after the viewer's progress.",
    args: {
      series: t.arg.string({ required: true, description: 'The series slug.' }),
      number: t.arg.int({ required: true, validate: z.number().int().positive('number must be 1 or more') }),
    },
    resolve: (_root, args) => episodeKey(args.series, args.number),
  }),
);

const UpsertEpisodeInput = builder.inputType('UpsertEpisodeInput', {
  description: 'An episode, keyed by its series and number.',
  fields: (t) => ({
    series: t.string({ required: true, description: 'The series slug.' }),
    number: t.int({ required: true, description: 'The 1-based number; at most the series episodeCount.' }),
    title: t.string(),
    runtimeMinutes: t.int(),
    source: t.field({ type: SourceInput, description: 'Where it comes from; or give sources.' }),
    sources: t.field({ type: [SourceInput], description: 'Every source it comes from; not together with source.' }),
  }),
});

builder.mutationFields((t) => ({
  upsertEpisode: t.field({
    type: EpisodeRef,
    description: 'Creates or replaces an episode. Needs write:catalog.',
    authScopes: { writeCatalog: true },
    errors: writeErrors('UpsertEpisode', 'episode'),
    args: { input: t.arg({ type: UpsertEpisodeInput, required: true }) },
    resolve: async (_root, { input }, ctx) => (await ctx.writer.upsert('episodes', toEpisodeRecord(input))).key,
  }),
  deleteEpisode: t.field({
    type: DeletionType,
    description:
      'Deletes an episode; refused while events happen in it or relationships begin or end in it. Needs write:catalog.',
    authScopes: { writeCatalog: true },
    errors: writeErrors('DeleteEpisode', 'deletion'),
    args: { series: t.arg.string({ required: true }), number: t.arg.int({ required: true }) },
    resolve: (_root, { series, number }, ctx) => ctx.writer.delete('episodes', episodeKey(series, number)),
  }),
}));
