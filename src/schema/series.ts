import { z } from 'zod';
import { builder } from '../builder.js';
import type { SeriesRecord } from '../domain/records.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, pageSizeSchema } from '../pagination.js';
import { afterPendingTurn } from '../reads/slices.js';
import { toSeriesRecord } from '../writes/catalog-inputs.js';
import { CastingType } from './casting.js';
import { CharacterRef } from './character.js';
import { CreditType } from './credit.js';
import { EpisodeRef } from './episode.js';
import { ExternalIdsInput, externalIdsField } from './external-ids.js';
import { PersonRef } from './person.js';
import { citedFields } from './source.js';
import { seriesConnection } from './support/pages.js';
import { DeletionType, SourceInput, writeErrors } from './write-results.js';

export const SeriesRef = builder.loadableNodeRef('Series', {
  id: { resolve: (series: SeriesRecord) => series.key },
  load: (keys: string[], ctx) => ctx.loaders.series.loadMany(keys),
  loaderOptions: { batchScheduleFn: afterPendingTurn },
});

SeriesRef.implement({
  description: 'A drama series: the whole story, told in numbered episodes.',
  fields: (t) => ({
    slug: t.exposeString('slug', {
      description: 'Kebab-case ASCII of the English title: "Soundtrack #1" is "soundtrack-1".',
    }),
    title: t.exposeString('title', { description: 'The English title.' }),
    originalTitle: t.exposeString('originalTitle', {
      nullable: true,
      description: 'The title in the original language.',
    }),
    country: t.exposeString('country', { nullable: true, description: 'The country of production.' }),
    releaseYear: t.exposeInt('releaseYear', {
      nullable: true,
      description: 'The year of the first release, where known.',
    }),
    platforms: t.exposeStringList('platforms', { description: 'Where the series streams or airs.' }),
    genres: t.exposeStringList('genres', { description: 'Genre slugs, such as "romance" or "music".' }),
    episodeCount: t.exposeInt('episodeCount', { description: 'How many episodes the series has, told or not.' }),
    episodes: t.field({
      type: [EpisodeRef],
      description:
        'The episodes the graph knows, by number. Read a long series a part at a time, whose whole page may be over ' +
        'the cost limit: first: 50, then fromNumber: 51 with first: 50, and so on.',
      args: {
        fromNumber: t.arg.int({ description: 'Only the episodes numbered this or later; all when left out.' }),
        first: t.arg.int({
          description: `At most this many (0 to ${MAX_PAGE_SIZE}); all when left out.`,
          validate: pageSizeSchema.nullish(),
        }),
      },
      resolve: async (series, { fromNumber, first }, ctx) => {
        const episodes = await ctx.loaders.episodesBySeries.load(series.key);
        const from =
          typeof fromNumber === 'number' ? episodes.filter((episode) => episode.number >= fromNumber) : episodes;
        return typeof first === 'number' ? from.slice(0, first) : from;
      },
    }),
    characters: t.field({
      type: [CharacterRef],
      description: 'The named characters of the series, by slug.',
      resolve: (series, _args, ctx) => ctx.loaders.charactersBySeries.load(series.key),
    }),
    starring: t.field({
      type: [PersonRef],
      description: 'The people billed as the stars, in billing order, whether or not the sources say whom they play.',
      resolve: (series) => series.starring,
    }),
    cast: t.field({
      type: [CastingType],
      description: 'Who plays whom: main cast first, then supporting and guest roles.',
      resolve: (series, _args, ctx) => ctx.loaders.castingsBySeries.load(series.key),
    }),
    crew: t.field({
      type: [CreditType],
      description: 'Directors, then writers.',
      resolve: (series, _args, ctx) => ctx.loaders.creditsBySeries.load(series.key),
    }),
    externalIds: t.field({ ...externalIdsField, resolve: (series) => series.externalIds }),
    ...citedFields(t),
  }),
});

const SeriesConnection = builder.connectionObject({ type: SeriesRef, name: 'SeriesConnection' });

builder.queryFields((t) => ({
  series: t.field({
    type: SeriesRef,
    nullable: true,
    description: 'A series by its slug, or null when there is none.',
    args: { slug: t.arg.string({ required: true }) },
    resolve: (_root, { slug }) => slug,
  }),
  allSeries: t.field({
    type: SeriesConnection,
    description: 'Every series, by slug, a page at a time.',
    args: {
      first: t.arg.int({
        description: `How many to return (0 to 100, default ${DEFAULT_PAGE_SIZE}).`,
        validate: pageSizeSchema.nullish(),
      }),
      after: t.arg.string({ description: 'The endCursor of the previous page.', validate: z.string().nullish() }),
    },
    resolve: (_root, args, ctx) => seriesConnection(ctx.loaders.seriesPage, args),
  }),
}));

const UpsertSeriesInput = builder.inputType('UpsertSeriesInput', {
  description: 'A whole series record; fields left out are written as null or empty.',
  fields: (t) => ({
    slug: t.string({ required: true, description: 'The stable key: kebab-case ASCII of the English title.' }),
    title: t.string({ required: true }),
    originalTitle: t.string(),
    country: t.string(),
    releaseYear: t.int(),
    platforms: t.stringList(),
    genres: t.stringList({ description: 'Genre slugs.' }),
    episodeCount: t.int({ required: true, description: 'How many episodes the series has; 0 while unknown.' }),
    starring: t.stringList({ description: 'Slugs of the people billed as stars, in billing order.' }),
    externalIds: t.field({ type: ExternalIdsInput, description: 'Left out or null: none known.' }),
    source: t.field({ type: SourceInput, description: 'Where it comes from; or give sources.' }),
    sources: t.field({ type: [SourceInput], description: 'Every source it comes from; not together with source.' }),
  }),
});

builder.mutationFields((t) => ({
  upsertSeries: t.field({
    type: SeriesRef,
    description: 'Creates or replaces a series by slug. Needs write:catalog.',
    authScopes: { writeCatalog: true },
    errors: writeErrors('UpsertSeries', 'series'),
    args: { input: t.arg({ type: UpsertSeriesInput, required: true }) },
    resolve: async (_root, { input }, ctx) => (await ctx.writer.upsert('series', toSeriesRecord(input))).key,
  }),
  deleteSeries: t.field({
    type: DeletionType,
    description:
      'Deletes a series. It is refused while the series has contents, unless cascade is true: then its episodes, ' +
      'characters, cast, crew, relationships and events go with it (people stay). Needs write:catalog; cascade needs admin. ' +
      'A series of more than 2,000 events loses them first in writes of whole episodes, the last first, then the rest goes ' +
      "in one: if that fails part-way, the series stays with its earlier episodes' events, and deleting it again completes it.",
    authScopes: (_root, args) => (args.cascade ? { admin: true } : { writeCatalog: true }),
    errors: writeErrors('DeleteSeries', 'deletion'),
    args: { slug: t.arg.string({ required: true }), cascade: t.arg.boolean({ defaultValue: false }) },
    resolve: (_root, { slug, cascade }, ctx) => ctx.writer.delete('series', slug, cascade ?? false),
  }),
}));
