import { z } from 'zod';
import { castingKey, creditKey, episodeKey, scopedKey } from '../domain/keys.js';
import type { CastingRecord, CreditRecord, EpisodeRecord, PersonRecord, SeriesRecord } from '../domain/records.js';
import { BILLINGS, CREDIT_ROLES } from '../domain/vocabulary.js';
import { list, name, optional, parseInput, positiveInt, slug, source } from './fields.js';

const seriesInput = z.object({
  slug,
  title: name,
  originalTitle: optional(name),
  country: optional(name),
  releaseYear: optional(z.number().int().min(1900, 'must be 1900 or later').max(2100, 'must be 2100 or earlier')),
  platforms: list(name, 50),
  genres: list(slug, 50),
  episodeCount: z.number().int().min(0, 'must be 0 or more').max(10_000, 'must be at most 10000'),
  starring: list(slug, 100),
  source,
});

const episodeInput = z.object({ series: slug, number: positiveInt, title: optional(name), runtimeMinutes: optional(positiveInt), source });
const personInput = z.object({ slug, name, nativeName: optional(name), source });
const castingInput = z.object({ series: slug, person: slug, character: slug, billing: z.enum(BILLINGS), source });
const creditInput = z.object({ series: slug, person: slug, role: z.enum(CREDIT_ROLES), source });

export function toSeriesRecord(input: unknown): SeriesRecord {
  const s = parseInput(seriesInput, input);
  return { key: s.slug, ...s };
}

export function toEpisodeRecord(input: unknown): EpisodeRecord {
  const { series, ...e } = parseInput(episodeInput, input);
  return { key: episodeKey(series, e.number), seriesKey: series, ...e };
}

export function toPersonRecord(input: unknown): PersonRecord {
  const p = parseInput(personInput, input);
  return { key: p.slug, ...p };
}

export function toCastingRecord(input: unknown): CastingRecord {
  const c = parseInput(castingInput, input);
  const characterKey = scopedKey(c.series, c.character);
  return { key: castingKey(characterKey, c.person), seriesKey: c.series, personKey: c.person, characterKey, billing: c.billing, source: c.source };
}

export function toCreditRecord(input: unknown): CreditRecord {
  const c = parseInput(creditInput, input);
  return { key: creditKey(c.series, c.person, c.role), seriesKey: c.series, personKey: c.person, role: c.role, source: c.source };
}
