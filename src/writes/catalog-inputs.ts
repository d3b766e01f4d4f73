import { z } from 'zod';
import { castingRecord, creditRecord, episodeRecord, personRecord, seriesRecord } from '../domain/build.js';
import type { CastingRecord, CreditRecord, EpisodeRecord, PersonRecord, SeriesRecord } from '../domain/records.js';
import { FIELD_RULES as F } from '../domain/rules.js';
import { BILLINGS, CREDIT_ROLES } from '../domain/vocabulary.js';
import {
  citedFields,
  externalIdsField,
  intField,
  judgedInputFields,
  list,
  listField,
  optional,
  parseInput,
  slugField,
  textField,
  withRevisions,
  withSources,
} from './fields.js';

const seriesInput = z
  .object({
    slug: slugField(F.series.slug),
    title: textField(F.series.title),
    originalTitle: optional(textField(F.series.originalTitle)),
    country: optional(textField(F.series.country)),
    releaseYear: optional(intField(F.series.releaseYear)),
    platforms: list(listField(F.series.platforms)),
    genres: list(listField(F.series.genres)),
    episodeCount: intField(F.series.episodeCount),
    starring: list(listField(F.series.starring)),
    externalIds: externalIdsField(F.series.externalIds),
    ...citedFields,
  })
  .transform((v, ctx) => withSources(v, ctx, true));

const episodeInput = z
  .object({
    series: slugField(F.episode.series),
    number: intField(F.episode.number),
    title: optional(textField(F.episode.title)),
    runtimeMinutes: optional(intField(F.episode.runtimeMinutes)),
    ...citedFields,
  })
  .transform((v, ctx) => withSources(v, ctx, true));
const personInput = z
  .object({
    slug: slugField(F.person.slug),
    name: textField(F.person.name),
    nativeName: optional(textField(F.person.nativeName)),
    externalIds: externalIdsField(F.person.externalIds),
    ...citedFields,
  })
  .transform((v, ctx) => withSources(v, ctx, true));
const castingInput = z
  .object({
    series: slugField(F.casting.series),
    person: slugField(F.casting.person),
    character: slugField(F.casting.character),
    billing: z.enum(BILLINGS),
    ...judgedInputFields,
    ...citedFields,
  })
  .transform((v, ctx) => withRevisions(withSources(v, ctx, true), ctx, 'basis', 'basisRevisions'));
const creditInput = z
  .object({
    series: slugField(F.credit.series),
    person: slugField(F.credit.person),
    role: z.enum(CREDIT_ROLES),
    ...citedFields,
  })
  .transform((v, ctx) => withSources(v, ctx, true));

export const toSeriesRecord = (input: unknown): SeriesRecord => seriesRecord(parseInput(seriesInput, input));

export function toEpisodeRecord(input: unknown): EpisodeRecord {
  const { series, ...e } = parseInput(episodeInput, input);
  return episodeRecord(series, e);
}

export const toPersonRecord = (input: unknown): PersonRecord => personRecord(parseInput(personInput, input));

export function toCastingRecord(input: unknown): CastingRecord {
  const { series, ...c } = parseInput(castingInput, input);
  return castingRecord(series, c);
}

export function toCreditRecord(input: unknown): CreditRecord {
  const { series, ...c } = parseInput(creditInput, input);
  return creditRecord(series, c);
}
