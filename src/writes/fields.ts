import { z } from 'zod';
import { externalIdsOf } from '../domain/build.js';
import { ValidationError } from '../domain/integrity/validation.js';
import { isRuleName, type RuleName } from '../domain/rule-names.js';
import {
  aliasesProblem,
  characterRefProblem,
  FIELD_RULES,
  type IntRule,
  intProblem,
  type ListRule,
  listProblem,
  type PatternRule,
  type Problem,
  patternProblem,
  revisionIssues,
  type SlugRule,
  slugProblem,
  sourcesProblem,
  type TextRule,
  textProblem,
  trimText,
} from '../domain/rules.js';
import { CERTAINTIES } from '../domain/vocabulary.js';

/** The domain's field rules (domain/rules.ts) as zod schemas, for seed files and write inputs alike. */
const judged = <T extends z.ZodType>(schema: T, judge: (value: z.output<T>) => Problem | null) =>
  schema.superRefine((value, ctx) => {
    const problem = judge(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.message, params: { rule: problem.rule } });
  });

export const slugField = (rule: SlugRule) => judged(z.string(), (v) => slugProblem(v, rule));
/** Text is trimmed before it is judged, and stored trimmed. */
export const textField = (rule: TextRule) => judged(z.string().overwrite(trimText), (v) => textProblem(v, rule));
export const intField = (rule: IntRule) => judged(z.number(), (v) => intProblem(v, rule));
export const listField = (rule: ListRule<SlugRule | TextRule>) =>
  judged(z.array(rule.of.type === 'slug' ? slugField(rule.of) : textField(rule.of)), (v) => listProblem(v, rule.max));
export const characterRef = judged(z.string(), characterRefProblem);
/** A list of sources, judged whole (domain/rules.ts sourcesProblem). */
export const sourcesField = <T extends z.ZodType<{ document: string; paragraph: number | null }>>(source: T) =>
  judged(z.array(source), sourcesProblem);
/** An id of another site, taken exactly as given (not trimmed). */
const patternField = (rule: PatternRule) => judged(z.string(), (v) => patternProblem(v, rule));

export const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? null);
export const list = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? []);

/** A series' or person's ids on other sites, each optional; a site not listed is an error. */
export const externalIdsField = (rules: { wikidata: PatternRule; imdb: PatternRule; tmdb: IntRule; tvmaze: IntRule }) =>
  z
    .strictObject({
      wikidata: optional(patternField(rules.wikidata)),
      imdb: optional(patternField(rules.imdb)),
      tmdb: optional(intField(rules.tmdb)),
      tvmaze: optional(intField(rules.tvmaze)),
    })
    .nullish()
    .transform(externalIdsOf);

/** Every fact written says where it comes from. */
const source = z.object({
  document: textField(FIELD_RULES.source.document),
  paragraph: optional(intField(FIELD_RULES.source.paragraph)),
});

/**
 * The rule a zod issue broke, one of RULE_NAMES: a domain rule's name; for a wrong shape zod's code where the
 * vocabulary has it (unrecognized_keys, invalid_value), else invalid_type (a union, an element, a refinement of shape).
 */
export const ruleOf = (issue: z.core.$ZodIssue): RuleName => {
  const named = issue.code === 'custom' ? issue.params?.rule : issue.code;
  return typeof named === 'string' && isRuleName(named) ? named : 'invalid_type';
};

/** Parses input against a schema, or throws ValidationError with paths rooted at `root` (e.g. "input"). */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, root: string[] = ['input']): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ValidationError(
    parsed.error.issues.map((issue) => ({
      path: [...root, ...issue.path.map(String)],
      message: issue.message,
      rule: ruleOf(issue),
    })),
  );
}

/** One revision of free text: the text a viewer sees from `fromEpisode` on. */
const revisionOf = (rule: TextRule) =>
  z.strictObject({ fromEpisode: intField(FIELD_RULES.revision.fromEpisode), text: textField(rule) });

/** A list of revisions judged whole by the domain's rules (each episode once, at most the cap), paths into the list. */
const revisionListOf = (rule: TextRule) =>
  z.array(revisionOf(rule)).superRefine((revisions, ctx) => {
    for (const issue of revisionIssues('', revisions))
      ctx.addIssue({
        code: 'custom',
        path: issue.field
          .split('.')
          .slice(1)
          .map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
        message: issue.message,
        params: { rule: issue.rule },
      });
  });

/** A description's or note's revisions, as a write input's `descriptionRevisions` / `noteRevisions` take them. */
export const revisionsField = revisionListOf(FIELD_RULES.revision.text);

/** Free text revealed by episode as given: one text (from the start) or its revisions by episode; none is []. */
const revealedTextOf = (rule: TextRule) => {
  const oneText = textField(rule);
  const revisionList = revisionListOf(rule);
  return z
    .unknown()
    .optional()
    .transform((v, ctx): { fromEpisode: number; text: string }[] => {
      if (v == null) return [];
      if (typeof v !== 'string' && !Array.isArray(v)) {
        ctx.addIssue({ code: 'custom', message: 'must be a text, or a list of { fromEpisode, text }', input: v });
        return z.NEVER;
      }
      const parsed = typeof v === 'string' ? oneText.safeParse(v) : revisionList.safeParse(v);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, input: v } as never);
        return z.NEVER;
      }
      return typeof parsed.data === 'string' ? [{ fromEpisode: 1, text: parsed.data }] : parsed.data;
    });
};

/** A description or note. */
export const revealedText = revealedTextOf(FIELD_RULES.revision.text);

/** One alias as given: a name (known from the start) or `{ name, fromEpisode }`. */
const aliasName = textField(FIELD_RULES.character.aliases.of);
const aliasObject = z.strictObject({ name: aliasName, fromEpisode: intField(FIELD_RULES.revision.fromEpisode) });
const alias = z.unknown().transform((v, ctx): { name: string; fromEpisode: number } => {
  if (typeof v !== 'string' && (v === null || typeof v !== 'object' || Array.isArray(v))) {
    ctx.addIssue({ code: 'custom', message: 'must be a name, or { name, fromEpisode }', input: v });
    return z.NEVER;
  }
  const parsed = typeof v === 'string' ? aliasName.safeParse(v) : aliasObject.safeParse(v);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, input: v } as never);
    return z.NEVER;
  }
  return typeof parsed.data === 'string' ? { name: parsed.data, fromEpisode: 1 } : parsed.data;
});

/** A character's aliases, each revealed from an episode, judged whole (domain/rules.ts aliasesProblem). */
export const aliasesField = judged(z.array(alias), aliasesProblem);

/** Whether a source states the fact; `basis` (one line each) says why an INFERRED one is believed. */
export const judgedFields = {
  certainty: z
    .enum(CERTAINTIES)
    .nullish()
    .transform((v) => v ?? 'STATED'),
  basis: revealedTextOf(FIELD_RULES.basis),
};

/** As write inputs take them: `basis` as one text, or `basisRevisions` revealed by episode (see withRevisions). */
export const judgedInputFields = {
  ...judgedFields,
  basisRevisions: revisionListOf(FIELD_RULES.basis).nullish(),
};

/** `source` (one) or `sources` (several), not both; the record keeps the list. */
export const citedFields = {
  source: source.nullish(),
  sources: sourcesField(source).nullish(),
};

type CitedInput = { source?: z.output<typeof source> | null; sources?: z.output<typeof source>[] | null };

/** Folds `source`/`sources` into `sources`; `required`: a fact written needs at least one. */
export function withSources<T extends CitedInput>(value: T, ctx: z.RefinementCtx, required: boolean) {
  const { source: one, sources: many, ...rest } = value;
  if (one != null && many != null)
    ctx.addIssue({
      code: 'custom',
      path: ['sources'],
      message: 'give source or sources, not both',
      params: { rule: 'one-of' },
    });
  const sources = many ?? (one == null ? [] : [one]);
  if (required && sources.length === 0)
    ctx.addIssue({
      code: 'custom',
      path: ['source'],
      message: 'every fact written needs a source',
      params: { rule: 'source-required' },
    });
  return { ...rest, sources };
}

/** Folds a field given from the start (one text, or plain aliases) and its list by episode into one list; giving both is refused. */
export function withRevisions<
  T extends Record<string, unknown>,
  K extends keyof T & string,
  L extends keyof T & string,
>(value: T, ctx: z.RefinementCtx, textKey: K, listKey: L) {
  const { [textKey]: text, [listKey]: list, ...rest } = value;
  const one = text as unknown[];
  const many = (list ?? null) as unknown[] | null;
  if (one.length > 0 && many !== null)
    ctx.addIssue({
      code: 'custom',
      path: [listKey],
      message: `give ${textKey} or ${listKey}, not both`,
      params: { rule: 'one-of' },
    });
  return { ...rest, [textKey]: many ?? one } as Omit<T, K | L> & Pick<T, K>;
}
