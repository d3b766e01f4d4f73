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

/**
 * The most weight of events one search reads: an event weighs one plus one for each participant it lists, and counts
 * once for each node whose neighbourhood holds it. A hop over fifty characters sharing 10,000 events read half a
 * million event links and ran the heap out (red team 58); counting events alone, 48,000 events of fifty participants
 * each still took 300 MB and 7 s (red team 59).
 */
export const SEARCH_MAX_WEIGHT = 150_000;

/** What one event adds to a search's weight (see SEARCH_MAX_WEIGHT). */
export const eventWeight = (event: { participants: readonly unknown[] }): number => 1 + event.participants.length;

/** A search would read more than SEARCH_MAX_WEIGHT of events; nothing of it is answered. */
export class SearchTooLarge extends Error {
  override readonly name = 'SearchTooLarge';
  readonly limit = SEARCH_MAX_WEIGHT;
  constructor() {
    super(`a connection search would read events weighing more than ${SEARCH_MAX_WEIGHT}`);
  }
}

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

const shares = (event: PlotEventRecord, key: string): boolean =>
  event.participants.some((p) => p.characterKey === key && SHARING_ROLES.includes(p.role));

/** How many events a part of a neighbourhood holds: the work on one part is short, and a search may pause between. */
export const EVENTS_PER_PART = 1_000;

/** `n` in parts of at most EVENTS_PER_PART events, its relationships and castings in the first. */
export function partsOf(n: Neighbourhood): Neighbourhood[] {
  const parts = [{ ...n, events: n.events.slice(0, EVENTS_PER_PART) }];
  for (let from = EVENTS_PER_PART; from < n.events.length; from += EVENTS_PER_PART)
    parts.push({ relationships: [], castings: [], events: n.events.slice(from, from + EVENTS_PER_PART) });
  return parts;
}

/** The neighbourhood whose parts (in order) these are. */
export const joinParts = (parts: readonly Neighbourhood[]): Neighbourhood => ({
  relationships: parts.flatMap((p) => p.relationships),
  events: parts.flatMap((p) => p.events),
  castings: parts.flatMap((p) => p.castings),
});

/** The step from `key` to one neighbour, as `key`'s neighbourhood explains it. */
export function stepBetween(key: string, other: string, n: Neighbourhood): PathStep {
  return {
    from: key,
    to: other,
    relationships: n.relationships.filter(
      (r) => (r.fromKey === key && r.toKey === other) || (r.fromKey === other && r.toKey === key),
    ),
    sharedEvents: n.events.filter((e) => shares(e, key) && shares(e, other)),
    castings: n.castings.filter(
      (c) => (c.personKey === key && c.characterKey === other) || (c.personKey === other && c.characterKey === key),
    ),
  };
}

export function neighboursOf(key: string, n: Neighbourhood): string[] {
  const out = new Set<string>();
  for (const r of n.relationships) out.add(r.fromKey === key ? r.toKey : r.fromKey);
  for (const e of n.events) {
    if (shares(e, key)) for (const p of e.participants) if (SHARING_ROLES.includes(p.role)) out.add(p.characterKey);
  }
  for (const c of n.castings) out.add(c.personKey === key ? c.characterKey : c.personKey);
  out.delete(key);
  return [...out].sort(compareText);
}

/** The kinds of link a step can have, in the order a step lists them. */
export const LINK_KINDS = ['RELATIONSHIP', 'SHARED_EVENT', 'PLAYED_BY'] as const;

export const linksOf = (step: PathStep): (typeof LINK_KINDS)[number][] =>
  LINK_KINDS.filter((_k, i) => [step.relationships, step.sharedEvents, step.castings][i]!.length > 0);
