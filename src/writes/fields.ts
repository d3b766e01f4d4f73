import { z } from 'zod';
import { SLUG_PATTERN } from '../domain/keys.js';
import { isWellFormed, NOT_WELL_FORMED } from '../domain/text.js';
import { ValidationError } from '../domain/writes/validation.js';

/** Field rules of the write API. Text is stored exactly as sent: it is checked, never trimmed. */
export const slug = z.string().max(120, 'must be at most 120 characters').regex(SLUG_PATTERN, 'must be a kebab-case ASCII slug');

const notBlank = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine((s) => s.trim().length > 0, 'must not be blank')
    .refine(isWellFormed, NOT_WELL_FORMED);

export const name = notBlank(300);
export const prose = notBlank(5000);
export const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? null);
export const list = <T extends z.ZodType>(schema: T, max: number) =>
  z.array(schema).max(max, `must have at most ${max} items`).nullish().transform((v) => v ?? []);
export const positiveInt = z.number().int().min(1, 'must be 1 or more').max(100_000, 'must be at most 100000');

/** Every fact written says where it comes from. */
export const source = z.object({
  document: name,
  paragraph: optional(positiveInt),
});

/** A character in the series being written: its slug, or `<series>/<slug>` for a character of any series. */
export const characterRef = z
  .string()
  .max(241, 'is too long')
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*(?:\/[a-z0-9]+(?:-[a-z0-9]+)*)?$/, 'must be a character slug, or <series>/<slug>');

export const characterKeyIn = (seriesKey: string, ref: string): string => (ref.includes('/') ? ref : `${seriesKey}/${ref}`);

/** Parses input against a schema, or throws ValidationError with paths rooted at `root` (e.g. "input"). */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, root: string[] = ['input']): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ValidationError(parsed.error.issues.map((issue) => ({ path: [...root, ...issue.path.map(String)], message: issue.message })));
}
