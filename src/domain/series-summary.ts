import { type EvidenceSizes, evidenceSizesOf } from './list-sizes.js';
import { profileOf, type SeriesProfile } from './recommendations.js';
import type { CastingRecord, CreditRecord, RelationshipRecord, SeriesRecord } from './records.js';
import { compareText } from './text.js';
import {
  deriveTropes,
  isTropeEventKind,
  type StoryFacts,
  type Trope,
  type TropeEvent,
  type TropeKind,
} from './tropes.js';

/**
 * What recommendations need of one series as a viewer with no progress sees it, derived from its whole
 * story: stores keep it (or derive it) per series, so the catalogue is built without reading every story.
 */
export interface SeriesSummary {
  /** In TROPE_KINDS order. */
  tropes: TropeKind[];
  /** Distinct person keys of its stars, cast and crew, in compareText order. */
  people: string[];
  evidence: EvidenceSizes;
}

/** The facts of one series a summary is derived from; events of other kinds than TROPE_EVENT_KINDS are ignored. */
export interface SummaryFacts {
  relationships: readonly RelationshipRecord[];
  events: readonly TropeEvent[];
  castings: readonly CastingRecord[];
  credits: readonly CreditRecord[];
}

/** The one rule from a series' facts to its summary, for every store. */
export function summaryOf(series: SeriesRecord, facts: SummaryFacts): SeriesSummary {
  const tropes = deriveTropes(summaryStory(facts));
  return summaryWith(series, tropes, facts);
}

/** The story a summary's tropes are detected in (deriveTropes, or detectTrope kind by kind over inStoryOrder of it). */
export const summaryStory = (facts: SummaryFacts): StoryFacts<TropeEvent> => ({
  relationships: facts.relationships,
  events: facts.events.filter((e) => isTropeEventKind(e.kind)),
  names: new Map(),
});

/** A summary from the tropes detected in summaryStory(facts), in TROPE_KINDS order. */
export function summaryWith(
  series: SeriesRecord,
  tropes: readonly Trope<TropeEvent>[],
  facts: SummaryFacts,
): SeriesSummary {
  const profile = profileOf(
    series,
    tropes.map((t) => t.kind),
    facts.castings,
    facts.credits,
  );
  return {
    tropes: [...profile.tropes],
    people: [...profile.people].sort(compareText),
    evidence: evidenceSizesOf(tropes),
  };
}

/** The profile recommendations compare, from the series record and its summary. */
export const summaryProfile = (series: SeriesRecord, summary: SeriesSummary): SeriesProfile => ({
  seriesKey: series.key,
  slug: series.slug,
  tropes: summary.tropes,
  people: summary.people,
  genres: series.genres,
});
