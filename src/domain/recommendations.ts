import type { CastingRecord, CreditRecord, SeriesRecord } from './records.js';
import { compareText } from './text.js';
import { TROPE_KINDS, type TropeKind } from './tropes.js';

/** Score per shared item: a trope says most about the story, then a person, then a genre. */
export const REASON_WEIGHTS = { SHARED_TROPE: 3, SHARED_PERSON: 2, SHARED_GENRE: 1 } as const;
type ReasonKind = keyof typeof REASON_WEIGHTS;

/** What recommendations compare: a series' tropes, people (cast, stars and crew) and genres. */
export interface SeriesProfile {
  seriesKey: string;
  slug: string;
  tropes: readonly TropeKind[];
  people: readonly string[];
  genres: readonly string[];
}

/** A series' profile from its tropes and the people its castings and credits name. */
export function profileOf(
  series: SeriesRecord,
  tropes: readonly TropeKind[],
  castings: readonly CastingRecord[],
  credits: readonly CreditRecord[],
): SeriesProfile {
  const people = new Set([...series.starring, ...castings.map((c) => c.personKey), ...credits.map((c) => c.personKey)]);
  return { seriesKey: series.key, slug: series.slug, tropes, people: [...people], genres: series.genres };
}

export interface RecommendationReason {
  kind: ReasonKind;
  weight: number;
  trope: TropeKind | null;
  personKey: string | null;
  genre: string | null;
}

export interface Recommendation {
  seriesKey: string;
  slug: string;
  score: number;
  reasons: RecommendationReason[];
}

const reason = (kind: ReasonKind, fields: Partial<RecommendationReason>): RecommendationReason => ({
  kind,
  weight: REASON_WEIGHTS[kind],
  trope: null,
  personKey: null,
  genre: null,
  ...fields,
});

const shared = <T>(mine: readonly T[], theirs: readonly T[]): T[] =>
  [...new Set(mine)].filter((x) => theirs.includes(x));
const byTropeOrder = (a: TropeKind, b: TropeKind) => TROPE_KINDS.indexOf(a) - TROPE_KINDS.indexOf(b);

/** Why `other` suits a viewer of `subject`: tropes in TROPE_KINDS order, then people by key, then genres by name. */
function reasonsFor(subject: SeriesProfile, other: SeriesProfile): RecommendationReason[] {
  return [
    ...shared(subject.tropes, other.tropes)
      .sort(byTropeOrder)
      .map((trope) => reason('SHARED_TROPE', { trope })),
    ...shared(subject.people, other.people)
      .sort(compareText)
      .map((personKey) => reason('SHARED_PERSON', { personKey })),
    ...shared(subject.genres, other.genres)
      .sort(compareText)
      .map((genre) => reason('SHARED_GENRE', { genre })),
  ];
}

/** The other series sharing anything with `subject`, best score first, ties by slug; at most `first`. */
export function recommend(
  subject: SeriesProfile,
  catalogue: readonly SeriesProfile[],
  first: number,
): Recommendation[] {
  return catalogue
    .filter((other) => other.seriesKey !== subject.seriesKey)
    .map((other) => {
      const reasons = reasonsFor(subject, other);
      return {
        seriesKey: other.seriesKey,
        slug: other.slug,
        score: reasons.reduce((sum, r) => sum + r.weight, 0),
        reasons,
      };
    })
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || compareText(a.slug, b.slug))
    .slice(0, first);
}
