import type { CastingRecord, PlotEventRecord, RelationshipRecord } from './records.js';
import {
  castingAsSeen,
  eventAsSeen,
  eventVisible,
  type Progress,
  relationshipAsSeen,
  relationshipVisible,
} from './spoilers.js';
import { compareText } from './text.js';
import type { ParticipantRole } from './vocabulary.js';

/** What links one character or person to others: character and person keys never collide ("/" only in the former). */
export interface Neighbourhood {
  relationships: RelationshipRecord[];
  events: PlotEventRecord[];
  castings: CastingRecord[];
}

/** Why two neighbours on a path are linked. */
export interface PathStep {
  from: string;
  to: string;
  relationships: RelationshipRecord[];
  sharedEvents: PlotEventRecord[];
  castings: CastingRecord[];
}

export interface CharacterPath {
  nodes: string[];
  steps: PathStep[];
}

export type FetchNeighbourhoods = (keys: readonly string[]) => Promise<Neighbourhood[]>;

/** Being merely mentioned is not sharing an event. */
const SHARING_ROLES: readonly ParticipantRole[] = ['AGENT', 'TARGET', 'WITNESS', 'PRESENT'];
export const MAX_PATHS = 10;

/** Hides what the viewer has not watched: later relationships and events, and characters not met yet, are not traversed. */
export const gateNeighbourhood = (
  progress: Progress,
  n: Neighbourhood,
  met: (characterKey: string) => boolean,
): Neighbourhood => ({
  relationships: n.relationships
    .filter((r) => relationshipVisible(progress, r) && met(r.fromKey) && met(r.toKey))
    .map((r) => relationshipAsSeen(progress, r)),
  events: n.events.filter((e) => eventVisible(progress, e)).map((e) => eventAsSeen(progress, e)),
  castings: n.castings.filter((c) => met(c.characterKey)).map((c) => castingAsSeen(progress, c)),
});

const sharers = (event: PlotEventRecord): string[] =>
  event.participants.filter((p) => SHARING_ROLES.includes(p.role)).map((p) => p.characterKey);

/** The step from `key` to one neighbour, as `key`'s neighbourhood explains it. */
export function stepBetween(key: string, other: string, n: Neighbourhood): PathStep {
  return {
    from: key,
    to: other,
    relationships: n.relationships.filter(
      (r) => (r.fromKey === key && r.toKey === other) || (r.fromKey === other && r.toKey === key),
    ),
    sharedEvents: n.events.filter((e) => sharers(e).includes(key) && sharers(e).includes(other)),
    castings: n.castings.filter(
      (c) => (c.personKey === key && c.characterKey === other) || (c.personKey === other && c.characterKey === key),
    ),
  };
}

export function neighboursOf(key: string, n: Neighbourhood): string[] {
  const out = new Set<string>();
  for (const r of n.relationships) out.add(r.fromKey === key ? r.toKey : r.fromKey);
  for (const e of n.events) if (sharers(e).includes(key)) for (const c of sharers(e)) out.add(c);
  for (const c of n.castings) out.add(c.personKey === key ? c.characterKey : c.personKey);
  out.delete(key);
  return [...out].sort(compareText);
}

/** The kinds of link a step can have, in the order a step lists them. */
export const LINK_KINDS = ['RELATIONSHIP', 'SHARED_EVENT', 'PLAYED_BY'] as const;

export const linksOf = (step: PathStep): (typeof LINK_KINDS)[number][] =>
  LINK_KINDS.filter((_k, i) => [step.relationships, step.sharedEvents, step.castings][i]!.length > 0);
