import { z } from 'zod';
import { builder } from '../builder.js';
import { scopedKey } from '../domain/keys.js';
import type { Alias, CharacterRecord } from '../domain/records.js';
import { latestText } from '../domain/spoilers.js';
import { afterPendingTurn } from '../reads/slices.js';
import { toCharacterRecord } from '../writes/story-inputs.js';
import { PersonRef } from './person.js';
import { ParticipantRoleEnum, PlotEventKindEnum, PlotEventRef } from './plot-event.js';
import { RelationshipRef } from './relationship.js';
import { SeriesRef } from './series.js';
import {
  CertaintyEnum,
  citedFields,
  judgedFields,
  judgedInputFields,
  TextRevisionInput,
  TextRevisionType,
} from './source.js';
import { DeletionType, SourceInput, writeErrors } from './write-results.js';

const AliasType = builder.objectRef<Alias>('Alias').implement({
  description: 'Another name the story uses for a character, known to viewers from an episode on.',
  fields: (t) => ({
    name: t.exposeString('name'),
    fromEpisode: t.exposeInt('fromEpisode', { description: 'The first episode whose viewers know this name.' }),
  }),
});

const AliasInput = builder.inputType('AliasInput', {
  description: 'Another name for a character, known from an episode on; episode 1 means from the start.',
  fields: (t) => ({
    name: t.string({ required: true }),
    fromEpisode: t.int({ required: true, description: 'From 1 to the series episodeCount.' }),
  }),
});

export const CharacterRef = builder.loadableNodeRef('Character', {
  id: { resolve: (character: CharacterRecord) => character.key },
  load: (keys: string[], ctx) => ctx.loaders.character.loadMany(keys),
  loaderOptions: { batchScheduleFn: afterPendingTurn },
});

CharacterRef.implement({
  description: 'A character of one series.',
  fields: (t) => ({
    slug: t.exposeString('slug', { description: 'Unique within the series, such as "eun-soo".' }),
    name: t.exposeString('name', { description: 'The name as the story uses it.' }),
    nativeName: t.exposeString('nativeName', { nullable: true, description: 'The name in the original script.' }),
    aliases: t.stringList({
      description: "Other names the story uses, as far as the viewer knows: those revealed by the viewer's progress.",
      resolve: (character) => character.aliases.map((a) => a.name),
    }),
    aliasesByEpisode: t.field({
      type: [AliasType],
      description: "The aliases with the episode each is revealed in, up to the viewer's progress.",
      resolve: (character) => character.aliases,
    }),
    description: t.string({
      nullable: true,
      description:
        "Who the character is, as far as the viewer knows: the latest text revealed by the viewer's progress (with " +
        'none given, the latest of all).',
      resolve: (character) => latestText(character.description),
    }),
    descriptionRevisions: t.field({
      type: [TextRevisionType],
      description: "The description's texts by the episode they are revealed in, up to the viewer's progress.",
      resolve: (character) => character.description,
    }),
    firstEpisode: t.int({
      description:
        'The episode the character first appears in: the one the data states, or an earlier event or starting ' +
        'relationship of theirs. Before it, with progress given for the series, the character is hidden everywhere.',
      resolve: async (character, _args, ctx) => (await ctx.loaders.firstEpisode.load(character.key)) ?? 1,
    }),
    series: t.field({ type: SeriesRef, resolve: (character) => character.seriesKey }),
    portrayedBy: t.field({
      type: [PersonRef],
      description: 'Who plays the character, main billing first.',
      resolve: (character, _args, ctx) =>
        ctx.loaders.portrayersNow(character.key) ??
        ctx.loaders.castingsByCharacter.load(character.key).then((list) => list.map((c) => c.personKey)),
    }),
    relationships: t.field({
      type: [RelationshipRef],
      description:
        'Relationships this character is part of, as they stand after the given episode; ' +
        'omit asOfEpisode for the end of the known story. Ordered by the episode they begin in. ' +
        "With the viewer's progress given, never later than the episode they watched through.",
      args: {
        asOfEpisode: t.arg.int({ validate: z.number().int().positive('asOfEpisode must be 1 or more').nullish() }),
        certainty: t.arg({
          type: CertaintyEnum,
          description: 'Only relationships a source states (STATED), or only inferred ones (INFERRED); omit for both.',
        }),
      },
      resolve: async (character, { asOfEpisode, certainty }, ctx) =>
        (
          await ctx.loaders.relationshipsOf.load({ characterKey: character.key, asOfEpisode: asOfEpisode ?? null })
        ).filter((r) => !certainty || r.certainty === certainty),
    }),
    events: t.field({
      type: [PlotEventRef],
      description: 'Plot events this character takes part in, in story order.',
      args: {
        role: t.arg({ type: ParticipantRoleEnum, description: 'Only where the character has this role.' }),
        kinds: t.arg({ type: [PlotEventKindEnum], description: 'Only these kinds; omit for all.' }),
      },
      resolve: (character, { role, kinds }, ctx) =>
        ctx.loaders.eventsOfCharacter.load({ characterKey: character.key, role: role ?? null, kinds: kinds ?? null }),
    }),
    spoilersHidden: t.int({
      description:
        "How many of this character's events and relationships are hidden because they begin, or are revealed " +
        '(revealedIn), after the episode the viewer watched through.',
      resolve: (character, _args, ctx) => ctx.loaders.hiddenOfCharacter.load(character.key),
    }),
    ...citedFields(t),
    ...judgedFields(t),
  }),
});

builder.queryField('character', (t) =>
  t.field({
    type: CharacterRef,
    nullable: true,
    description: 'A character by series slug and character slug, or null when there is none.',
    args: {
      series: t.arg.string({ required: true, description: 'The series slug.' }),
      slug: t.arg.string({ required: true, description: 'The character slug.' }),
    },
    resolve: (_root, args) => scopedKey(args.series, args.slug),
  }),
);

const UpsertCharacterInput = builder.inputType('UpsertCharacterInput', {
  description: 'A character, keyed by series and slug.',
  fields: (t) => ({
    series: t.string({ required: true, description: 'The series slug.' }),
    slug: t.string({
      required: true,
      description: 'Kebab-case ASCII of the romanized name, unique within the series.',
    }),
    name: t.string({ required: true }),
    nativeName: t.string(),
    aliases: t.stringList({
      description: 'Other names, known from the start. To reveal them by episode, give aliasesByEpisode instead.',
    }),
    aliasesByEpisode: t.field({
      type: [AliasInput],
      description: 'Other names, each known from an episode on; not together with aliases.',
    }),
    description: t.string({
      description: 'A description, seen from the start. To reveal it by episode, give descriptionRevisions instead.',
    }),
    descriptionRevisions: t.field({
      type: [TextRevisionInput],
      description: 'The description as texts revealed by episode; not together with description.',
    }),
    ...judgedInputFields(t, 'character fact'),
    firstEpisode: t.int({
      description:
        'The episode the character first appears in. Leave it out to let the earliest event or relationship ' +
        '(with a starting episode) about them decide; no fact may then show them earlier.',
    }),
    source: t.field({ type: SourceInput, description: 'Where it comes from; or give sources.' }),
    sources: t.field({ type: [SourceInput], description: 'Every source it comes from; not together with source.' }),
  }),
});

builder.mutationFields((t) => ({
  upsertCharacter: t.field({
    type: CharacterRef,
    description: 'Creates or replaces a character. Needs write:story.',
    authScopes: { writeStory: true },
    errors: writeErrors('UpsertCharacter', 'character'),
    args: { input: t.arg({ type: UpsertCharacterInput, required: true }) },
    resolve: async (_root, { input }, ctx) =>
      (await ctx.writer.upsert('characters', toCharacterRecord(input), input)).key,
  }),
  deleteCharacter: t.field({
    type: DeletionType,
    description: 'Deletes a character; refused while it is cast, related or takes part in events. Needs write:story.',
    authScopes: { writeStory: true },
    errors: writeErrors('DeleteCharacter', 'deletion'),
    args: { series: t.arg.string({ required: true }), slug: t.arg.string({ required: true }) },
    resolve: (_root, { series, slug }, ctx) => ctx.writer.delete('characters', scopedKey(series, slug)),
  }),
}));
