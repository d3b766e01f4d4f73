import type {
  CastingRecord,
  CharacterRecord,
  Judged,
  PlotEventRecord,
  RelationshipRecord,
  TextRevision,
} from './records.js';

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

/** A relationship is known from the episode it begins in, or the later one that reveals it (`revealedIn`). */
export const relationshipVisible = (progress: Progress, relationship: RelationshipRecord): boolean => {
  const seen = seenThrough(progress, relationship.seriesKey);
  const { sinceEpisode, revealedIn } = relationship;
  return (sinceEpisode === null || sinceEpisode <= seen) && (revealedIn === null || revealedIn <= seen);
};

/** Free text as the viewer knows it: the revisions revealed by the episode they watched through. */
const revealedBy = <T extends { fromEpisode: number }>(revisions: T[], seen: number): T[] =>
  revisions.every((r) => r.fromEpisode <= seen) ? revisions : revisions.filter((r) => r.fromEpisode <= seen);

/** A judged record with only the basis revealed by the viewer's progress (the same record when nothing is held back). */
function basisAsSeen<T extends Judged & { seriesKey: string }>(progress: Progress, record: T): T {
  const basis = revealedBy(record.basis, seenThrough(progress, record.seriesKey));
  return basis === record.basis ? record : { ...record, basis };
}

/** A relationship as the viewer knows it: an end they have not seen yet is not shown, nor a later note or basis. */
export function relationshipAsSeen(progress: Progress, relationship: RelationshipRecord): RelationshipRecord {
  const seen = seenThrough(progress, relationship.seriesKey);
  const { untilEpisode } = relationship;
  const note = revealedBy(relationship.note, seen);
  const endSeen = untilEpisode === null || untilEpisode <= seen;
  const r = basisAsSeen(progress, relationship);
  if (endSeen && note === r.note) return r;
  return { ...r, untilEpisode: endSeen ? untilEpisode : null, note };
}

/** A casting or event as the viewer knows it: only the basis revealed by their progress. */
export const castingAsSeen = (progress: Progress, casting: CastingRecord): CastingRecord =>
  basisAsSeen(progress, casting);
export const eventAsSeen = (progress: Progress, event: PlotEventRecord): PlotEventRecord =>
  basisAsSeen(progress, event);

/** The text shown: the latest revision (the loaders have already dropped those the viewer has not reached). */
export const latestText = (revisions: readonly TextRevision[]): string | null => revisions.at(-1)?.text ?? null;

/** A character as the viewer knows them: only the aliases, description and basis revealed by their progress. */
export function characterAsSeen(progress: Progress, character: CharacterRecord): CharacterRecord {
  const c = basisAsSeen(progress, character);
  const seen = seenThrough(progress, c.seriesKey);
  const description = revealedBy(c.description, seen);
  const aliases = revealedBy(c.aliases, seen);
  return description === c.description && aliases === c.aliases ? c : { ...c, description, aliases };
}

/** An episode is shown up to the one the viewer watched through. */
export const episodeVisible = (progress: Progress, seriesKey: string, episode: number): boolean =>
  episode <= seenThrough(progress, seriesKey);

/**
 * The episode the viewer's progress cuts `series` after, or null when it cuts nothing: no progress for it, or
 * progress at or past its last episode (no fact of a series lies past its episodeCount).
 */
export function cutAfter(progress: Progress, series: { key: string; episodeCount: number }): number | null {
  const seen = progress.get(series.key);
  return seen === undefined || seen >= series.episodeCount ? null : seen;
}

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

/**
 * The episode a character first appears in: the earliest of the episode the data states and the episodes of
 * the events they take part in and of the relationships that start with them. A relationship from before the
 * story (no starting episode) shows no one; with nothing to go on, a character is there from episode 1.
 */
export function firstEpisodeOf(
  character: CharacterRecord,
  events: readonly PlotEventRecord[],
  relationships: readonly RelationshipRecord[],
): number {
  return firstEpisodeFrom(character, [
    ...events.map((e) => e.episodeNumber),
    ...relationships.flatMap((r) => (r.sinceEpisode === null ? [] : [r.sinceEpisode])),
  ]);
}

/** firstEpisodeOf from the episodes the character's events and starting relationships are in (any subset holding their earliest). */
export function firstEpisodeFrom(character: CharacterRecord, shownIn: readonly (number | null)[]): number {
  const episodes = shownIn.filter((n): n is number => n !== null);
  if (character.firstEpisode !== null) episodes.push(character.firstEpisode);
  return episodes.length === 0 ? 1 : Math.min(...episodes);
}
