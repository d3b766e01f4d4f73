import type { PlotEventRecord, RelationshipRecord } from './records.js';

/** How far a viewer has watched: series key → the last episode seen. Series not in it are unrestricted. */
export type Progress = ReadonlyMap<string, number>;

export const NO_PROGRESS: Progress = new Map();

/** One series' cut-off, as stores take it: nothing shown after `episode` of `seriesKey`. */
export interface VisibleThrough {
  seriesKey: string;
  episode: number;
}

const seenThrough = (progress: Progress, seriesKey: string): number => progress.get(seriesKey) ?? Infinity;

/** The story reveals an event in the episode that shows it, flashbacks included. */
export const eventVisible = (progress: Progress, event: PlotEventRecord): boolean =>
  event.episodeNumber <= seenThrough(progress, event.seriesKey);

export const relationshipVisible = (progress: Progress, relationship: RelationshipRecord): boolean =>
  relationship.sinceEpisode === null || relationship.sinceEpisode <= seenThrough(progress, relationship.seriesKey);

/** A relationship as the viewer knows it: an end they have not seen yet is not shown. */
export function relationshipAsSeen(progress: Progress, relationship: RelationshipRecord): RelationshipRecord {
  const { untilEpisode } = relationship;
  if (untilEpisode === null || untilEpisode <= seenThrough(progress, relationship.seriesKey)) return relationship;
  return { ...relationship, untilEpisode: null };
}

/** An episode is shown up to the one the viewer watched through. */
export const episodeVisible = (progress: Progress, seriesKey: string, episode: number): boolean =>
  episode <= seenThrough(progress, seriesKey);

/**
 * A character is introduced by the first event or relationship they take part in: one with any of them shown
 * is shown, one all of whose events and relationships come later is not, and one the story has told nothing
 * of yet is shown.
 */
export const characterVisible = (appearances: { shown: number; hidden: number }): boolean =>
  appearances.shown > 0 || appearances.hidden === 0;

/** The latest episode whose state the viewer may see: the asked one, capped at their progress. */
export function cappedEpisode(progress: Progress, seriesKey: string, asOfEpisode: number | null): number | null {
  const seen = progress.get(seriesKey);
  if (seen === undefined) return asOfEpisode;
  return asOfEpisode === null ? seen : Math.min(asOfEpisode, seen);
}

export const visibleThrough = (progress: Progress): VisibleThrough[] | null =>
  progress.size === 0 ? null : [...progress].map(([seriesKey, episode]) => ({ seriesKey, episode }));

export const progressOf = (cuts: readonly VisibleThrough[] | null): Progress =>
  new Map((cuts ?? []).map((cut) => [cut.seriesKey, cut.episode]));

/** Splits a list into what the viewer may see and how many items it hides. */
export function gate<T>(items: readonly T[], visible: (item: T) => boolean): { items: T[]; hidden: number } {
  const shown = items.filter(visible);
  return { items: shown, hidden: items.length - shown.length };
}
