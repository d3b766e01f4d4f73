import { z } from 'zod';
import { isWellFormed, NOT_WELL_FORMED } from '../domain/text.js';
import {
  BILLINGS,
  CREDIT_ROLES,
  EVENT_OUTCOMES,
  PARTICIPANT_ROLES,
  PLOT_EVENT_KINDS,
  RELATIONSHIP_KINDS,
} from '../domain/vocabulary.js';
import { SLUG_PATTERN } from '../domain/keys.js';

export const SEED_FORMAT = 'drama-graph/seed@1';

const slug = z.string().max(120, 'must be at most 120 characters').regex(SLUG_PATTERN, 'must be a kebab-case ASCII slug');
const text = z.string().trim().min(1, 'must not be empty').refine(isWellFormed, NOT_WELL_FORMED);
const positiveInt = z.number().int().positive();

export const sourceSchema = z.strictObject({
  document: text,
  paragraph: positiveInt.nullable().default(null),
});

const cited = { source: sourceSchema.nullable().default(null) };

export const personSchema = z.strictObject({
  slug,
  name: text,
  nativeName: text.nullable().default(null),
  ...cited,
});

export const episodeSchema = z.strictObject({
  number: positiveInt,
  title: text.nullable().default(null),
  runtimeMinutes: positiveInt.nullable().default(null),
  ...cited,
});

export const characterSchema = z.strictObject({
  slug,
  name: text,
  nativeName: text.nullable().default(null),
  aliases: z.array(text).default([]),
  description: text.nullable().default(null),
  ...cited,
});

export const castingSchema = z.strictObject({
  person: slug,
  character: slug,
  billing: z.enum(BILLINGS),
  ...cited,
});

export const creditSchema = z.strictObject({
  person: slug,
  role: z.enum(CREDIT_ROLES),
  ...cited,
});

export const relationshipSchema = z.strictObject({
  slug,
  kind: z.enum(RELATIONSHIP_KINDS),
  from: slug,
  to: slug,
  mutual: z.boolean(),
  since: positiveInt.nullable().default(null),
  until: positiveInt.nullable().default(null),
  note: text.nullable().default(null),
  source: sourceSchema,
});

export const participantSchema = z.strictObject({
  character: slug,
  role: z.enum(PARTICIPANT_ROLES),
});

export const eventSchema = z.strictObject({
  slug,
  episode: positiveInt,
  sequence: positiveInt,
  kind: z.enum(PLOT_EVENT_KINDS),
  summary: text,
  agent: slug.nullable().default(null),
  target: slug.nullable().default(null),
  participants: z.array(participantSchema).default([]),
  outcome: z.enum(EVENT_OUTCOMES).nullable().default(null),
  flashback: z.boolean().default(false),
  source: sourceSchema,
});

export const seriesSchema = z.strictObject({
  slug,
  title: text,
  originalTitle: text.nullable().default(null),
  country: text.nullable().default(null),
  releaseYear: z.number().int().min(1900).max(2100).nullable().default(null),
  platforms: z.array(text).default([]),
  genres: z.array(slug).default([]),
  episodeCount: z.number().int().nonnegative(),
  starring: z.array(slug).default([]),
  ...cited,
  episodes: z.array(episodeSchema).default([]),
  characters: z.array(characterSchema).default([]),
  castings: z.array(castingSchema).default([]),
  credits: z.array(creditSchema).default([]),
  relationships: z.array(relationshipSchema).default([]),
  events: z.array(eventSchema).default([]),
});

export const seedFileSchema = z.strictObject({
  format: z.literal(SEED_FORMAT),
  people: z.array(personSchema).default([]),
  series: z.array(seriesSchema).default([]),
});

export type SeedFile = z.infer<typeof seedFileSchema>;
export type SeedSeries = z.infer<typeof seriesSchema>;
export type SeedEvent = z.infer<typeof eventSchema>;
export type SeedRelationship = z.infer<typeof relationshipSchema>;
