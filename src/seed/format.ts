import { z } from 'zod';
import { FIELD_RULES as F } from '../domain/rules.js';
import {
  BILLINGS,
  CREDIT_ROLES,
  EVENT_OUTCOMES,
  PARTICIPANT_ROLES,
  PLOT_EVENT_KINDS,
  RELATIONSHIP_KINDS,
} from '../domain/vocabulary.js';
import {
  aliasesField,
  externalIdsField,
  intField,
  judgedFields,
  listField,
  revealedText,
  slugField,
  sourcesField,
  textField,
  withSources,
} from '../writes/fields.js';

export const SEED_FORMAT = 'drama-graph/seed@1';

/** The seed format's shape; every field's rule is the domain's (domain/rules.ts), shared with the write API. */
const orNull = <T extends z.ZodType>(schema: T) => schema.nullable().default(null);
const listOf = (rule: Parameters<typeof listField>[0]) => listField(rule).default([]);

const sourceSchema = z.strictObject({
  document: textField(F.source.document),
  paragraph: orNull(intField(F.source.paragraph)),
});

/** `source` (one, or null) or `sources` (several), not both. */
const cited = {
  source: sourceSchema.nullish(),
  sources: sourcesField(sourceSchema).nullish(),
};
type CitedSeed = { source?: z.output<typeof sourceSchema> | null; sources?: z.output<typeof sourceSchema>[] | null };
const folded =
  (required: boolean) =>
  <T extends CitedSeed>(v: T, ctx: z.RefinementCtx) =>
    withSources(v, ctx, required);
const optionallyCited = folded(false);
const mustCite = folded(true);

const personSchema = z
  .strictObject({
    slug: slugField(F.person.slug),
    name: textField(F.person.name),
    nativeName: orNull(textField(F.person.nativeName)),
    externalIds: externalIdsField(F.person.externalIds),
    ...cited,
  })
  .transform(optionallyCited);

const episodeSchema = z
  .strictObject({
    number: intField(F.episode.number),
    title: orNull(textField(F.episode.title)),
    runtimeMinutes: orNull(intField(F.episode.runtimeMinutes)),
    ...cited,
  })
  .transform(optionallyCited);

const characterSchema = z
  .strictObject({
    slug: slugField(F.character.slug),
    name: textField(F.character.name),
    nativeName: orNull(textField(F.character.nativeName)),
    aliases: aliasesField.default([]),
    description: revealedText,
    firstEpisode: orNull(intField(F.character.firstEpisode)),
    ...judgedFields,
    ...cited,
  })
  .transform(optionallyCited);

const castingSchema = z
  .strictObject({
    person: slugField(F.casting.person),
    character: slugField(F.casting.character),
    billing: z.enum(BILLINGS),
    ...judgedFields,
    ...cited,
  })
  .transform(optionallyCited);

const creditSchema = z
  .strictObject({
    person: slugField(F.credit.person),
    role: z.enum(CREDIT_ROLES),
    ...cited,
  })
  .transform(optionallyCited);

const relationshipSchema = z
  .strictObject({
    slug: slugField(F.relationship.slug),
    kind: z.enum(RELATIONSHIP_KINDS),
    from: slugField(F.relationship.character),
    to: slugField(F.relationship.character),
    mutual: z.boolean(),
    since: orNull(intField(F.relationship.since)),
    until: orNull(intField(F.relationship.until)),
    revealedIn: orNull(intField(F.relationship.revealedIn)),
    note: revealedText,
    ...judgedFields,
    ...cited,
  })
  .transform(mustCite);

const participantSchema = z.strictObject({
  character: slugField(F.event.participant),
  role: z.enum(PARTICIPANT_ROLES),
});

const eventSchema = z
  .strictObject({
    slug: slugField(F.event.slug),
    episode: intField(F.event.episode),
    sequence: intField(F.event.sequence),
    kind: z.enum(PLOT_EVENT_KINDS),
    summary: textField(F.event.summary),
    agent: orNull(slugField(F.event.participant)),
    target: orNull(slugField(F.event.participant)),
    participants: z.array(participantSchema).default([]),
    outcome: z.enum(EVENT_OUTCOMES).nullable().default(null),
    flashback: z.boolean().default(false),
    ...judgedFields,
    ...cited,
  })
  .transform(mustCite);

const seriesSchema = z
  .strictObject({
    slug: slugField(F.series.slug),
    title: textField(F.series.title),
    originalTitle: orNull(textField(F.series.originalTitle)),
    country: orNull(textField(F.series.country)),
    releaseYear: orNull(intField(F.series.releaseYear)),
    platforms: listOf(F.series.platforms),
    genres: listOf(F.series.genres),
    episodeCount: intField(F.series.episodeCount),
    starring: listOf(F.series.starring),
    externalIds: externalIdsField(F.series.externalIds),
    ...cited,
    episodes: z.array(episodeSchema).default([]),
    characters: z.array(characterSchema).default([]),
    castings: z.array(castingSchema).default([]),
    credits: z.array(creditSchema).default([]),
    relationships: z.array(relationshipSchema).default([]),
    events: z.array(eventSchema).default([]),
  })
  .transform(optionallyCited);

export const seedFileSchema = z.strictObject({
  format: z.literal(SEED_FORMAT),
  people: z.array(personSchema).default([]),
  series: z.array(seriesSchema).default([]),
});

export type SeedFile = z.infer<typeof seedFileSchema>;
export type SeedSeries = z.infer<typeof seriesSchema>;
export type SeedEvent = z.infer<typeof eventSchema>;
export type SeedRelationship = z.infer<typeof relationshipSchema>;
