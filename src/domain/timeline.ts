import type { PlotEventRecord, RelationshipRecord } from './records.js';
import type { PlotEventKind, RelationshipKind } from './vocabulary.js';

/** One moment at which what binds two characters changes; episode null is before the story starts. */
export interface RelationshipChange {
  seriesKey: string;
  pair: readonly [string, string];
  episode: number | null;
  before: RelationshipKind[];
  after: RelationshipKind[];
  began: RelationshipRecord[];
  ended: RelationshipRecord[];
}

/** Kinds of event that can turn one relationship into another. */
export const CAUSE_KINDS: readonly PlotEventKind[] = [
  'CONFESSION',
  'KISS',
  'REUNION',
  'REJECTION',
  'DEPARTURE',
  'ASK_OUT',
];

const isPair = (x: string | null, y: string | null, [a, b]: readonly [string, string]) =>
  (x === a && y === b) || (x === b && y === a);

export const between = (pair: readonly [string, string]) => (r: RelationshipRecord) => isPair(r.fromKey, r.toKey, pair);

const holdsAfter = (r: RelationshipRecord, point: number | null): boolean =>
  point === null
    ? r.sinceEpisode === null
    : (r.sinceEpisode === null || r.sinceEpisode <= point) && (r.untilEpisode === null || r.untilEpisode > point);

const kindsAfter = (relationships: readonly RelationshipRecord[], point: number | null): RelationshipKind[] =>
  [...new Set(relationships.filter((r) => holdsAfter(r, point)).map((r) => r.kind))].sort();

function changePoints(relationships: readonly RelationshipRecord[]): (number | null)[] {
  const points = new Set<number | null>();
  for (const r of relationships) {
    points.add(r.sinceEpisode);
    if (r.untilEpisode !== null) points.add(r.untilEpisode);
  }
  return [...points].sort((x, y) => (x ?? 0) - (y ?? 0));
}

/** Every change between the pair, in story order, from the relationships that ever bound them. */
export function relationshipTimeline(
  seriesKey: string,
  pair: readonly [string, string],
  relationships: readonly RelationshipRecord[],
): RelationshipChange[] {
  const mine = relationships.filter(between(pair));
  let before: RelationshipKind[] = [];
  return changePoints(mine).map((episode) => {
    const after = kindsAfter(mine, episode);
    const change = {
      seriesKey,
      pair,
      episode,
      before,
      after,
      began: mine.filter((r) => r.sinceEpisode === episode),
      ended: mine.filter((r) => episode !== null && r.untilEpisode === episode),
    };
    before = after;
    return change;
  });
}

/** The last event of CAUSE_KINDS by sequence in which one of the pair acts on the other, or null. */
export function causeAmong<E extends Pick<PlotEventRecord, 'kind' | 'agentKey' | 'targetKey' | 'sequence'>>(
  events: readonly E[],
  pair: readonly [string, string],
): E | null {
  const causes = events.filter((e) => CAUSE_KINDS.includes(e.kind) && isPair(e.agentKey, e.targetKey, pair));
  return causes.reduce<E | null>((last, e) => (last === null || e.sequence > last.sequence ? e : last), null);
}
