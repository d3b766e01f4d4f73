import { SLUG_PATTERN } from './keys.js';
import type { RuleName } from './rule-names.js';
import { fold } from './search/fold.js';
import { isWellFormed } from './text.js';

/**
 * The rules every record obeys, however it is written: seed files, importBatch and the upserts all check
 * these. Field rules judge one value; the record rules below judge fields together.
 */

/** A broken rule: `field` is the record's field as a seed file and a write input name it (`since`, not `sinceEpisode`). */
export interface RuleIssue {
  field: string;
  rule: RuleName;
  message: string;
}

export interface SlugRule {
  type: 'slug';
  max: number;
}
export interface TextRule {
  type: 'text';
  max: number;
  multiline: boolean;
}
export interface IntRule {
  type: 'int';
  min: number;
  max: number;
}
export interface ListRule<Item extends FieldRule = FieldRule> {
  type: 'list';
  of: Item;
  max: number;
}
/** An identifier of another site, whose shape that site fixes. */
export interface PatternRule {
  type: 'pattern';
  pattern: RegExp;
  max: number;
  /** What a value must be, for messages: "a Wikidata item id: Q and digits, such as Q42". */
  shape: string;
}
export type FieldRule = SlugRule | TextRule | IntRule | ListRule | PatternRule;

export const LIMITS = {
  slugLength: 120,
  nameLength: 300,
  proseLength: 5_000,
  /** Episodes a series may have: episode numbers, since and until run 1..episodeCount. */
  episodes: 10_000,
  /** Events an episode may have: sequences run 1..N. */
  eventsPerEpisode: 10_000,
  runtimeMinutes: 1_440,
  paragraph: 100_000,
  firstYear: 1900,
  lastYear: 2100,
  platforms: 50,
  genres: 50,
  starring: 100,
  aliases: 50,
  participants: 50,
  /** Sources one record cites. */
  sources: 20,
  /** Revisions of one description or note. */
  revisions: 50,
  basisLength: 500,
  externalIdLength: 20,
  /** External numeric ids fit GraphQL's Int. */
  externalNumber: 2_147_483_647,
} as const;

const int = (min: number, max: number): IntRule => ({ type: 'int', min, max });
const list = <Item extends FieldRule>(of: Item, max: number): ListRule<Item> => ({ type: 'list', of, max });

const SLUG: SlugRule = { type: 'slug', max: LIMITS.slugLength };
export const NAME: TextRule = { type: 'text', max: LIMITS.nameLength, multiline: false };
const PROSE: TextRule = { type: 'text', max: LIMITS.proseLength, multiline: true };
const EPISODE_NUMBER = int(1, LIMITS.episodes);
const BASIS: TextRule = { type: 'text', max: LIMITS.basisLength, multiline: false };
const SEQUENCE = int(1, LIMITS.eventsPerEpisode);
const pattern = (regex: RegExp, shape: string): PatternRule => ({
  type: 'pattern',
  pattern: regex,
  max: LIMITS.externalIdLength,
  shape,
});
const WIKIDATA = pattern(/^Q[1-9][0-9]*$/, 'a Wikidata item id: Q and digits, such as Q42');
const EXTERNAL_NUMBER = int(1, LIMITS.externalNumber);

/** One rule set per record: a series and a person take the same sites' ids, but IMDb's differ (tt…, nm…). */
const externalIds = (imdb: PatternRule) => ({
  wikidata: WIKIDATA,
  imdb,
  tmdb: EXTERNAL_NUMBER,
  tvmaze: EXTERNAL_NUMBER,
});

/** The field rules of each record; a field not listed is an enum or a boolean, which the format's types decide. */
export const FIELD_RULES = {
  source: { document: NAME, paragraph: int(1, LIMITS.paragraph) },
  /** How many sources one record may cite. */
  sources: LIMITS.sources,
  /** A revision of a description or note, and how many one may have. */
  revision: { fromEpisode: EPISODE_NUMBER, text: PROSE, max: LIMITS.revisions },
  basis: BASIS,
  person: {
    slug: SLUG,
    name: NAME,
    nativeName: NAME,
    externalIds: externalIds(pattern(/^nm\d{7,}$/, 'an IMDb name id: nm and at least 7 digits, such as nm0000001')),
  },
  series: {
    slug: SLUG,
    title: NAME,
    originalTitle: NAME,
    country: NAME,
    releaseYear: int(LIMITS.firstYear, LIMITS.lastYear),
    platforms: list(NAME, LIMITS.platforms),
    genres: list(SLUG, LIMITS.genres),
    episodeCount: int(0, LIMITS.episodes),
    starring: list(SLUG, LIMITS.starring),
    externalIds: externalIds(pattern(/^tt\d{7,}$/, 'an IMDb title id: tt and at least 7 digits, such as tt0000001')),
  },
  episode: { series: SLUG, number: EPISODE_NUMBER, title: NAME, runtimeMinutes: int(1, LIMITS.runtimeMinutes) },
  character: {
    series: SLUG,
    slug: SLUG,
    name: NAME,
    nativeName: NAME,
    aliases: list(NAME, LIMITS.aliases),
    description: PROSE,
    firstEpisode: EPISODE_NUMBER,
  },
  casting: { series: SLUG, person: SLUG, character: SLUG },
  credit: { series: SLUG, person: SLUG },
  relationship: {
    series: SLUG,
    slug: SLUG,
    character: SLUG,
    since: EPISODE_NUMBER,
    until: EPISODE_NUMBER,
    revealedIn: EPISODE_NUMBER,
    note: PROSE,
  },
  event: { series: SLUG, slug: SLUG, episode: EPISODE_NUMBER, sequence: SEQUENCE, summary: PROSE, participant: SLUG },
} as const;

const issue = (rule: RuleName, message: string) => ({ rule, message });
export type Problem = ReturnType<typeof issue>;

export function slugProblem(value: string, rule: SlugRule = SLUG): Problem | null {
  if (value.length > rule.max) return issue('max-length', `must be at most ${rule.max} characters`);
  return SLUG_PATTERN.test(value) ? null : issue('slug', 'must be a kebab-case ASCII slug');
}

/** A character named from a write in one series: its slug, or `<series>/<slug>` (a character of another series is then refused by name). */
export function characterRefProblem(value: string): Problem | null {
  const parts = value.split('/');
  if (parts.length > 2) return issue('slug', 'must be a character slug, or <series>/<slug>');
  for (const part of parts) {
    const problem = slugProblem(part);
    if (problem) return { rule: problem.rule, message: `${problem.message} (a character slug, or <series>/<slug>)` };
  }
  return null;
}

/** One trimming policy everywhere: text is stored trimmed, and text that is empty once trimmed is an error. */
export const trimText = (value: string): string => value.trim();

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;
const LINE_BREAK = /[\t\n\r\u2028\u2029]/u;
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;
/** Letters and symbols that draw nothing: the Hangul fillers (default-ignorable, though letters) and the blank braille cell. */
const DRAWS_NOTHING = /[\p{Default_Ignorable_Code_Point}\u2800]/gu;

/** Judges text already trimmed (trimText). */
export function textProblem(value: string, rule: TextRule): Problem | null {
  if (value.length === 0) return issue('not-empty', 'must not be empty');
  if (value.length > rule.max) return issue('max-length', `must be at most ${rule.max} characters`);
  if (!isWellFormed(value)) return issue('well-formed', 'must be well-formed Unicode (no lone surrogates)');
  if (CONTROL.test(value)) return issue('no-control', 'must not hold control characters');
  if (!rule.multiline && LINE_BREAK.test(value)) return issue('one-line', 'must be one line, without tabs');
  if (!VISIBLE.test(value.replace(DRAWS_NOTHING, '')))
    return issue('visible', 'must hold a letter, digit, punctuation mark or symbol that is drawn');
  return null;
}

export function patternProblem(value: string, rule: PatternRule): Problem | null {
  if (value.length > rule.max) return issue('max-length', `must be at most ${rule.max} characters`);
  return rule.pattern.test(value) ? null : issue('external-id', `must be ${rule.shape}`);
}

export function intProblem(value: number, rule: IntRule): Problem | null {
  return Number.isInteger(value) && value >= rule.min && value <= rule.max
    ? null
    : issue('range', `must be an integer from ${rule.min} to ${rule.max}`);
}

/** A list's own rules: its length, and no item twice (each item is judged by the item's rule). */
export function listProblem(values: readonly unknown[], max: number): Problem | null {
  if (values.length > max) return issue('max-items', `must have at most ${max} items`);
  const seen = new Set<unknown>();
  for (const value of values) {
    if (seen.has(value)) return issue('duplicate', `holds ${JSON.stringify(value)} twice`);
    seen.add(value);
  }
  return null;
}

/** A name as search matches it (case, diacritics, NFC/NFD, spaces and punctuation folded); its NFC text when nothing is left. */
const nameKey = (name: string): string => fold(name) || name.normalize('NFC');

/** A character's aliases: at most the cap, and no name twice as search folds it, whatever episode reveals it. */
export function aliasesProblem(aliases: readonly { name: string }[]): Problem | null {
  if (aliases.length > LIMITS.aliases) return issue('max-items', `must have at most ${LIMITS.aliases} items`);
  const seen = new Map<string, string>();
  for (const { name } of aliases) {
    const first = seen.get(nameKey(name));
    if (first === name) return issue('duplicate', `holds ${JSON.stringify(name)} twice`);
    if (first !== undefined)
      return issue(
        'duplicate',
        `holds ${JSON.stringify(name)} twice (as ${JSON.stringify(first)}: search folds them alike)`,
      );
    seen.set(nameKey(name), name);
  }
  return null;
}

/** An alias that is the character's own name, as search folds it, finds nothing the name does not. */
export function aliasNameIssues(c: { name: string; aliases: readonly { name: string }[] }): RuleIssue[] {
  const own = nameKey(c.name);
  const same = c.aliases.find((a) => nameKey(a.name) === own);
  return same === undefined
    ? []
    : [{ field: 'aliases', ...issue('duplicate', `holds ${JSON.stringify(same.name)}, the character's own name`) }];
}

/** A record's sources: at most the cap, and no source twice (the same document, compared in NFC, and paragraph). */
export function sourcesProblem(sources: readonly { document: string; paragraph: number | null }[]): Problem | null {
  if (sources.length > LIMITS.sources) return issue('max-items', `must have at most ${LIMITS.sources} items`);
  const seen = new Set<string>();
  for (const { document, paragraph } of sources) {
    const same = JSON.stringify([document.normalize('NFC'), paragraph]);
    if (seen.has(same)) {
      const where = paragraph === null ? '' : ` paragraph ${paragraph}`;
      return issue('duplicate', `holds ${JSON.stringify(document)}${where} twice`);
    }
    seen.add(same);
  }
  return null;
}

/** A relationship holds as of episode N when since <= N < until, so until must come after since. */
export function relationshipIssues(r: {
  fromKey: string;
  toKey: string;
  sinceEpisode: number | null;
  untilEpisode: number | null;
  revealedIn: number | null;
}): RuleIssue[] {
  const issues: RuleIssue[] = [];
  if (r.fromKey === r.toKey)
    issues.push({ field: 'to', ...issue('two-characters', 'a relationship needs two different characters') });
  if (r.sinceEpisode !== null && r.untilEpisode !== null && r.untilEpisode <= r.sinceEpisode) {
    const message =
      r.untilEpisode === r.sinceEpisode
        ? `begins and ends in episode ${r.sinceEpisode}, so it holds in no episode: until must come after since`
        : `ends in episode ${r.untilEpisode}, before it begins in episode ${r.sinceEpisode}`;
    issues.push({ field: 'until', ...issue('until-after-since', message) });
  }
  if (r.sinceEpisode !== null && r.revealedIn !== null && r.revealedIn < r.sinceEpisode) {
    const message = `revealed in episode ${r.revealedIn}, before it begins in episode ${r.sinceEpisode}: a viewer learns of it when it begins at the earliest`;
    issues.push({ field: 'revealedIn', ...issue('revealed-after-since', message) });
  }
  return issues;
}

/** What `certainty` allows: a basis says why an INFERRED fact is believed, and a STATED one needs none. */
export function certaintyIssues(r: { certainty: string; basis: readonly unknown[] }): RuleIssue[] {
  if (r.certainty === 'INFERRED' && r.basis.length === 0)
    return [{ field: 'basis', ...issue('basis-required', 'an INFERRED fact needs a basis: why it is believed') }];
  if (r.certainty === 'STATED' && r.basis.length > 0)
    return [{ field: 'basis', ...issue('basis-only-inferred', 'a STATED fact takes no basis: its sources state it') }];
  return [];
}

/** A description or note revealed by episode: each episode once, from 1 up; `field` names it as input does. */
export function revisionIssues(field: string, revisions: readonly { fromEpisode: number }[]): RuleIssue[] {
  const issues: RuleIssue[] = [];
  if (revisions.length > LIMITS.revisions)
    issues.push({ field, ...issue('max-items', `must have at most ${LIMITS.revisions} revisions`) });
  const seen = new Set<number>();
  revisions.forEach((r, i) => {
    if (seen.has(r.fromEpisode))
      issues.push({
        field: `${field}.${i}.fromEpisode`,
        ...issue('duplicate', `episode ${r.fromEpisode} has two revisions: one text per episode`),
      });
    seen.add(r.fromEpisode);
  });
  return issues;
}

interface EventShape {
  agentKey: string | null;
  targetKey: string | null;
  participants: readonly { characterKey: string; role: string }[];
}

/** Every character involved appears once, with one role; the agent with role AGENT and the target with role TARGET, and no one else with those. */
export function eventIssues(e: EventShape & { certainty: string; outcome: string | null }): RuleIssue[] {
  const issues: RuleIssue[] = [];
  if (e.certainty === 'INFERRED' && e.outcome !== null)
    issues.push({
      field: 'outcome',
      ...issue('outcome-stated', 'an INFERRED event has no outcome: set an outcome only when a source states it'),
    });
  if (e.participants.length > LIMITS.participants) {
    issues.push({ field: 'participants', ...issue('max-items', `must have at most ${LIMITS.participants} items`) });
  }
  const seen = new Map<string, string>();
  e.participants.forEach((p, i) => {
    const before = seen.get(p.characterKey);
    if (before !== undefined) {
      issues.push({
        field: `participants.${i}.character`,
        ...issue(
          'one-role-per-character',
          `character "${p.characterKey}" already takes part as ${before}: one character holds one role in an event`,
        ),
      });
    }
    seen.set(p.characterKey, p.role);
  });
  for (const [field, role, key] of [
    ['agent', 'AGENT', e.agentKey],
    ['target', 'TARGET', e.targetKey],
  ] as const) {
    const listed = e.participants.filter((p) => p.role === role).map((p) => p.characterKey);
    if (key !== null && !listed.includes(key))
      issues.push({ field, ...issue('participant-role', `must also be a participant with role ${role}`) });
    if (listed.some((k) => k !== key))
      issues.push({
        field: 'participants',
        ...issue('participant-role', `role ${role} must name exactly the ${field}`),
      });
  }
  return issues;
}

export interface Placed {
  key: string;
  seriesKey: string;
  episodeNumber: number;
  sequence: number;
}

/** An issue about one record of a collection, named by its key. */
export interface RecordIssue extends RuleIssue {
  key: string;
}

/**
 * Within an episode, sequence is the on-screen order and runs 1..N without gaps, one event per place.
 * `events` is every event of each episode it names, as the story will hold them; of two events in one
 * place, the later in `events` is the one reported.
 */
export function sequenceIssues(events: readonly Placed[]): RecordIssue[] {
  const byEpisode = new Map<string, Placed[]>();
  for (const e of events) {
    const episode = `${e.seriesKey}/${e.episodeNumber}`;
    const placed = byEpisode.get(episode);
    if (placed === undefined) byEpisode.set(episode, [e]);
    else placed.push(e);
  }
  const issues: RecordIssue[] = [];
  for (const [episode, placed] of byEpisode) {
    const sorted = [...placed].sort((a, b) => a.sequence - b.sequence);
    sorted.forEach((e, i) => {
      const previous = sorted[i - 1];
      if (previous && previous.sequence === e.sequence) {
        const message = `episode "${episode}" already has event "${previous.key}" at sequence ${e.sequence}`;
        issues.push({ key: e.key, field: 'sequence', rule: 'sequence-taken', message });
      } else if (e.sequence !== (previous?.sequence ?? 0) + 1) {
        const expected = (previous?.sequence ?? 0) + 1;
        const message = `episode "${episode}" would have no event at sequence ${expected}: sequences run 1..N without gaps`;
        issues.push({ key: e.key, field: 'sequence', rule: 'sequence-gap', message });
      }
    });
  }
  return issues;
}

/** Keys that occur twice in one list of records: a document names each record once (two castings of one character by one person are one casting). */
export function duplicateKeys(records: readonly { key: string }[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const r of records) (seen.has(r.key) ? twice : seen).add(r.key);
  return [...twice];
}
