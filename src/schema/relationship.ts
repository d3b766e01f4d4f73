import { builder } from '../builder.js';
import { episodeKey, scopedKey } from '../domain/keys.js';
import type { RelationshipRecord } from '../domain/records.js';
import { latestText } from '../domain/spoilers.js';
import { RELATIONSHIP_KINDS } from '../domain/vocabulary.js';
import { afterPendingTurn } from '../reads/slices.js';
import { toRelationshipRecord } from '../writes/story-inputs.js';
import { CharacterRef } from './character.js';
import { EpisodeRef } from './episode.js';
import { citedFields, judgedFields, judgedInputFields, TextRevisionInput, TextRevisionType } from './source.js';
import { describedValues } from './support/enum-values.js';
import { DeletionType, SourceInput, writeErrors } from './write-results.js';

export const RelationshipKindEnum = builder.enumType('RelationshipKind', {
  description: 'What binds two characters.',
  values: describedValues(RELATIONSHIP_KINDS, {
    FRIEND: 'Friends.',
    BEST_FRIEND: "Each other's closest friend.",
    ROMANTIC: 'A couple.',
    UNREQUITED_LOVE: 'Love from one side that the other does not return, or does not yet know of.',
    FAMILY: 'Related by family.',
    COLLEAGUE: 'Working together.',
    SENIOR_JUNIOR: 'Senior and junior (sunbae and hoobae) from school or work; `from` is the senior.',
    RIVAL: 'Rivals.',
    UNSPOKEN_LOVE:
      'Love not said aloud. With mutual, each loves the other and neither has told; otherwise `from` loves `to` in silence.',
    ATTRACTION: '`from` is drawn to `to`, without saying whether it is returned or how deep it goes.',
    HOUSEMATE: 'Living under one roof, or next door to each other.',
  }),
});

const episodeOf = (r: RelationshipRecord, number: number | null) =>
  number === null ? null : episodeKey(r.seriesKey, number);

export const RelationshipRef = builder.loadableNodeRef('Relationship', {
  id: { resolve: (relationship: RelationshipRecord) => relationship.key },
  load: (keys: string[], ctx) => ctx.loaders.relationship.loadMany(keys),
  loaderOptions: { batchScheduleFn: afterPendingTurn },
});

RelationshipRef.implement({
  description:
    'A bond between two characters over a span of episodes. It holds after episode N when it began in N or before ' +
    '(or before the story) and ends after N (or never).',
  fields: (t) => ({
    slug: t.exposeString('slug', {
      description: 'The stable key of the relationship within its series, as writes name it.',
    }),
    kind: t.field({ type: RelationshipKindEnum, resolve: (r) => r.kind }),
    from: t.field({
      type: CharacterRef,
      description: 'Who holds the feeling or the senior role.',
      resolve: (r) => r.fromKey,
    }),
    to: t.field({ type: CharacterRef, description: 'Toward whom.', resolve: (r) => r.toKey }),
    mutual: t.exposeBoolean('mutual', { description: 'True when it holds in both directions.' }),
    since: t.field({
      type: EpisodeRef,
      nullable: true,
      description: 'The episode in which it begins; null when it held before the story starts.',
      resolve: (r) => episodeOf(r, r.sinceEpisode),
    }),
    until: t.field({
      type: EpisodeRef,
      nullable: true,
      description: 'The episode in which it ends; null when it still holds at the end of the known story.',
      resolve: (r) => episodeOf(r, r.untilEpisode),
    }),
    revealedIn: t.int({
      nullable: true,
      description:
        'The episode from which a viewer knows of it, when that is later than since (a bond that held all along but ' +
        'comes out later); null: known from since, or from the start. A viewer whose progress is before it does not ' +
        'see the relationship anywhere, and it counts in spoilersHidden.',
      resolve: (r) => r.revealedIn,
    }),
    note: t.string({
      nullable: true,
      description:
        "A note on the relationship as the viewer knows it: the latest text revealed by the viewer's progress (with " +
        'none given, the latest of all).',
      resolve: (r) => latestText(r.note),
    }),
    noteRevisions: t.field({
      type: [TextRevisionType],
      description: "The note's texts by the episode they are revealed in, up to the viewer's progress.",
      resolve: (r) => r.note,
    }),
    ...citedFields(t),
    ...judgedFields(t),
  }),
});

const UpsertRelationshipInput = builder.inputType('UpsertRelationshipInput', {
  description: 'How one character stands to another over a span of episodes; keyed by series and slug.',
  fields: (t) => ({
    series: t.string({ required: true, description: 'The series slug.' }),
    slug: t.string({ required: true, description: 'Unique within the series, such as "eun-soo-loves-sun-woo".' }),
    kind: t.field({ type: RelationshipKindEnum, required: true }),
    from: t.string({ required: true, description: 'A character slug of the series.' }),
    to: t.string({ required: true, description: 'A character slug of the series.' }),
    mutual: t.boolean({ required: true, description: 'Whether it holds both ways.' }),
    since: t.int({ description: 'The episode it begins in; null: before the story starts.' }),
    until: t.int({
      description:
        'The episode in which it ends (it holds up to the one before); when since is set too, until must come after it ' +
        '(since == until would hold in no episode); null: it still holds at the end of the known story.',
    }),
    revealedIn: t.int({
      description:
        "The episode from which a viewer knows of it (1 to the series' episodeCount, not before since); null: known " +
        'from since, or from the start.',
    }),
    note: t.string({
      description: 'A note, seen from the start. To reveal it by episode, give noteRevisions instead.',
    }),
    noteRevisions: t.field({
      type: [TextRevisionInput],
      description: 'The note as texts revealed by episode; not together with note.',
    }),
    ...judgedInputFields(t, 'relationship'),
    source: t.field({ type: SourceInput, description: 'Where it comes from; or give sources.' }),
    sources: t.field({ type: [SourceInput], description: 'Every source it comes from; not together with source.' }),
  }),
});

builder.mutationFields((t) => ({
  upsertRelationship: t.field({
    type: RelationshipRef,
    description:
      'Creates or replaces a relationship. Both characters and both episodes must exist in the series. Needs write:story.',
    authScopes: { writeStory: true },
    errors: writeErrors('UpsertRelationship', 'relationship'),
    args: { input: t.arg({ type: UpsertRelationshipInput, required: true }) },
    resolve: async (_root, { input }, ctx) =>
      (await ctx.writer.upsert('relationships', toRelationshipRecord(input), input)).key,
  }),
  deleteRelationship: t.field({
    type: DeletionType,
    description: 'Deletes a relationship. Needs write:story.',
    authScopes: { writeStory: true },
    errors: writeErrors('DeleteRelationship', 'deletion'),
    args: { series: t.arg.string({ required: true }), slug: t.arg.string({ required: true }) },
    resolve: (_root, { series, slug }, ctx) => ctx.writer.delete('relationships', scopedKey(series, slug)),
  }),
}));
