import { slugOf } from './keys.js';
import type { PlotEventRecord, RelationshipRecord } from './records.js';
import { CAUSE_KINDS, causeAmong } from './timeline.js';
import type { PlotEventKind, RelationshipKind } from './vocabulary.js';

export const TROPE_KINDS = [
  'FRIENDS_TO_LOVERS',
  'UNREQUITED_LOVE',
  'LOVE_TRIANGLE',
  'TIME_SKIP',
  'REUNION_AFTER_SEPARATION',
] as const;
export type TropeKind = (typeof TROPE_KINDS)[number];

export const TROPE_NAMES: Record<TropeKind, string> = {
  FRIENDS_TO_LOVERS: 'friends to lovers',
  UNREQUITED_LOVE: 'unrequited love',
  LOVE_TRIANGLE: 'love triangle',
  TIME_SKIP: 'time skip',
  REUNION_AFTER_SEPARATION: 'reunion after separation',
};

/** What the detectors read of an event: its place, kind, outcome and who is in it (a record, or a store's index row). */
export type TropeEvent = Pick<
  PlotEventRecord,
  'key' | 'seriesKey' | 'episodeNumber' | 'sequence' | 'kind' | 'outcome' | 'agentKey' | 'targetKey' | 'participants'
>;

/** One occurrence of a trope: the facts that show it and a sentence saying how. */
export interface TropeEvidence<E extends TropeEvent = PlotEventRecord> {
  explanation: string;
  relationships: RelationshipRecord[];
  events: E[];
  characterKeys: string[];
}

export type Trope<E extends TropeEvent = PlotEventRecord> = {
  kind: TropeKind;
  name: string;
  explanation: string;
  evidence: TropeEvidence<E>[];
};

/** What one series' story shows the viewer; `names` maps character keys to names. */
export interface StoryFacts<E extends TropeEvent = PlotEventRecord> {
  relationships: readonly RelationshipRecord[];
  events: readonly E[];
  names: ReadonlyMap<string, string>;
}

type Detector = <E extends TropeEvent>(facts: StoryFacts<E>) => TropeEvidence<E>[];

const FRIENDSHIPS: readonly RelationshipKind[] = ['FRIEND', 'BEST_FRIEND'];
const INTEREST_EVENTS: ReadonlySet<PlotEventKind> = new Set(['CONFESSION', 'ASK_OUT']);

/**
 * The only event kinds that decide WHICH tropes a series has (the detectors below test for these);
 * other events are at most evidence (friends to lovers' cause). Profiles load just these.
 */
export const TROPE_EVENT_KINDS: readonly PlotEventKind[] = [...INTEREST_EVENTS, 'TIME_SKIP', 'DEPARTURE', 'REUNION'];
const TROPE_EVENTS: ReadonlySet<string> = new Set(TROPE_EVENT_KINDS);

/** Every event kind a trope's evidence may hold: the kinds that decide tropes, and the causes friends to lovers cites. */
export const EVIDENCE_EVENT_KINDS: readonly PlotEventKind[] = [...new Set([...TROPE_EVENT_KINDS, ...CAUSE_KINDS])];

/** Whether events of this kind are among TROPE_EVENT_KINDS (a series' summary reads only those). */
export const isTropeEventKind = (kind: string): boolean => TROPE_EVENTS.has(kind);

const nameOf = (facts: StoryFacts<TropeEvent>, key: string): string => facts.names.get(key) ?? slugOf(key);
const unique = <T>(items: readonly T[]): T[] => [...new Set(items)];

const listed = (names: readonly string[]): string =>
  names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;

const later = (a: TropeEvent, b: TropeEvent): boolean =>
  a.episodeNumber > b.episodeNumber || (a.episodeNumber === b.episodeNumber && a.sequence > b.sequence);

const begunBefore = (first: RelationshipRecord, then: RelationshipRecord): boolean =>
  then.sinceEpisode !== null && (first.sinceEpisode === null || first.sinceEpisode < then.sinceEpisode);

/** The same key for a pair whichever way round it is given. */
const pairKey = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

/** Items grouped by key, each group in the order of `items`. */
function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}

// The detectors look facts up by key instead of scanning them for each occurrence: a crafted series of 10,000
// romances or departures kept the event loop for seconds per derivation.
const friendsToLovers: Detector = (facts) => {
  const friendshipsOf = groupBy(
    facts.relationships.filter((r) => FRIENDSHIPS.includes(r.kind)),
    (r) => pairKey(r.fromKey, r.toKey),
  );
  // Events are grouped only when a romance may cite one: 120,000 confessions took 50 ms to group for nothing.
  const mayCite = facts.relationships.some(
    (r) => r.kind === 'ROMANTIC' && friendshipsOf.has(pairKey(r.fromKey, r.toKey)),
  );
  const causesOf = groupBy(
    mayCite ? facts.events.filter((e) => e.agentKey !== null && e.targetKey !== null) : [],
    (e) => `${e.episodeNumber}\u0000${pairKey(e.agentKey!, e.targetKey!)}`,
  );
  return facts.relationships
    .filter((r) => r.kind === 'ROMANTIC')
    .flatMap((romance) => {
      const pair = [romance.fromKey, romance.toKey] as const;
      const friendships = (friendshipsOf.get(pairKey(...pair)) ?? []).filter((r) => begunBefore(r, romance));
      if (friendships.length === 0) return [];
      const cause = causeAmong(causesOf.get(`${romance.sinceEpisode}\u0000${pairKey(...pair)}`) ?? [], pair);
      const bond = friendships.some((r) => r.kind === 'BEST_FRIEND') ? 'best friends' : 'friends';
      return [
        {
          explanation: `${listed(pair.map((k) => nameOf(facts, k)))} are ${bond} before they become a couple in episode ${romance.sinceEpisode}.`,
          relationships: [...friendships, romance],
          events: cause === null ? [] : [cause],
          characterKeys: [...pair],
        },
      ];
    });
};

const unrequitedLove: Detector = (facts) => {
  const unrequited = groupBy(
    facts.relationships.filter((r) => r.kind === 'UNREQUITED_LOVE'),
    (r) => `${r.fromKey}\u0000${r.toKey}`,
  );
  return facts.events
    .filter((e) => e.kind === 'CONFESSION' && e.outcome === 'REJECTED' && e.agentKey && e.targetKey)
    .map((e) => ({
      explanation: `${nameOf(facts, e.agentKey!)} confesses to ${nameOf(facts, e.targetKey!)} in episode ${e.episodeNumber} and is turned down.`,
      relationships: unrequited.get(`${e.agentKey}\u0000${e.targetKey}`) ?? [],
      events: [e],
      characterKeys: [e.agentKey!, e.targetKey!],
    }));
};

/** The relationships that draw one character to another; mutual ROMANTIC and UNSPOKEN_LOVE draw both ways. */
const LOVE_KINDS: ReadonlySet<RelationshipRecord['kind']> = new Set([
  'ROMANTIC',
  'UNREQUITED_LOVE',
  'UNSPOKEN_LOVE',
  'ATTRACTION',
]);

type Interest<E> = { from: string; to: string; relationship?: RelationshipRecord; event?: E };

/** Who is drawn to whom: by a love relationship (mutual ones both ways), or by a confession or asking out. */
function* interests<E extends TropeEvent>(facts: StoryFacts<E>): Generator<Interest<E>> {
  for (const r of facts.relationships) {
    if (!LOVE_KINDS.has(r.kind)) continue;
    yield { from: r.fromKey, to: r.toKey, relationship: r };
    if (r.kind !== 'UNREQUITED_LOVE' && r.kind !== 'ATTRACTION' && r.mutual)
      yield { from: r.toKey, to: r.fromKey, relationship: r };
  }
  for (const e of facts.events)
    if (INTEREST_EVENTS.has(e.kind) && e.agentKey && e.targetKey && e.agentKey !== e.targetKey)
      yield { from: e.agentKey, to: e.targetKey, event: e };
}

const loveTriangle: Detector = (facts) => {
  // Only targets drawing two or more admirers are grouped: 120,000 confessions between two people took 0.1 s.
  const admirersOf = new Map<string, Set<string>>();
  for (const { from, to } of interests(facts)) {
    const admirers = admirersOf.get(to);
    if (admirers === undefined) admirersOf.set(to, new Set([from]));
    else admirers.add(from);
  }
  const drawing = new Set([...admirersOf].filter(([, admirers]) => admirers.size >= 2).map(([to]) => to));
  if (drawing.size === 0) return [];
  const towardEach = groupBy(
    [...interests(facts)].filter((i) => drawing.has(i.to)),
    (i) => i.to,
  );
  return [...towardEach.keys()].sort().flatMap((target) => {
    const toward = towardEach.get(target)!;
    const admirers = unique(toward.map((i) => i.from)).sort();
    if (admirers.length < 2) return [];
    const names = admirers.map((k) => nameOf(facts, k));
    return [
      {
        explanation: `${listed(names)} are ${admirers.length === 2 ? 'both' : 'all'} drawn to ${nameOf(facts, target)}.`,
        relationships: unique(toward.flatMap((i) => (i.relationship ? [i.relationship] : []))),
        events: unique(toward.flatMap((i) => (i.event ? [i.event] : []))),
        characterKeys: [target, ...admirers],
      },
    ];
  });
};

const timeSkip: Detector = (facts) =>
  facts.events
    .filter((e) => e.kind === 'TIME_SKIP')
    .map((e) => ({
      explanation: `In episode ${e.episodeNumber} the story jumps ahead in time.`,
      relationships: [],
      events: [e],
      characterKeys: e.participants.map((p) => p.characterKey),
    }));

/** The first of `reunions` (in story order) later than `departure`, or undefined. */
function firstLater<E extends TropeEvent>(reunions: readonly E[], departure: E): E | undefined {
  let low = 0;
  let high = reunions.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (later(reunions[middle]!, departure)) high = middle;
    else low = middle + 1;
  }
  return reunions[low];
}

function reunionAfterSeparation<E extends TropeEvent>(facts: StoryFacts<E>): TropeEvidence<E>[] {
  const reunionsOf = new Map<string, E[]>();
  for (const e of facts.events) {
    if (e.kind !== 'REUNION') continue;
    for (const key of new Set(e.participants.filter((p) => p.role !== 'MENTIONED').map((p) => p.characterKey))) {
      const list = reunionsOf.get(key);
      if (list === undefined) reunionsOf.set(key, [e]);
      else list.push(e);
    }
  }
  return facts.events
    .filter((e) => e.kind === 'DEPARTURE' && (e.agentKey ?? e.targetKey))
    .flatMap((departure) => {
      const who = (departure.agentKey ?? departure.targetKey)!;
      const reunion = firstLater(reunionsOf.get(who) ?? [], departure);
      if (reunion === undefined) return [];
      const others = reunion.participants
        .filter((p) => p.characterKey !== who && p.role !== 'MENTIONED')
        .map((p) => p.characterKey);
      const withWhom = others.length === 0 ? '' : ` with ${listed(others.map((k) => nameOf(facts, k)))}`;
      return [
        {
          explanation: `${nameOf(facts, who)} leaves in episode ${departure.episodeNumber} and is reunited${withWhom} in episode ${reunion.episodeNumber}.`,
          relationships: [],
          events: [departure, reunion],
          characterKeys: [who, ...others],
        },
      ];
    });
}

const DETECTORS: Record<TropeKind, Detector> = {
  FRIENDS_TO_LOVERS: friendsToLovers,
  UNREQUITED_LOVE: unrequitedLove,
  LOVE_TRIANGLE: loveTriangle,
  TIME_SKIP: timeSkip,
  REUNION_AFTER_SEPARATION: reunionAfterSeparation,
};

const storyOrder = (a: TropeEvent, b: TropeEvent): number =>
  a.episodeNumber - b.episodeNumber || a.sequence - b.sequence;

/** The facts with their events in story order, as the detectors take them. */
export const inStoryOrder = <E extends TropeEvent>(facts: StoryFacts<E>): StoryFacts<E> => ({
  ...facts,
  events: [...facts.events].sort(storyOrder),
});

/** How many occurrences a trope's explanation tells one by one; it counts the rest. */
export const EXPLAINED_OCCURRENCES = 20;

/**
 * A trope's explanation: each occurrence's sentence in order, up to EXPLAINED_OCCURRENCES, then how many more
 * there are. A crafted series of 27,000 rejected confessions made one explanation megabytes long (red team 47).
 */
export function explanationOf(evidence: readonly TropeEvidence<TropeEvent>[]): string {
  const told = evidence.slice(0, EXPLAINED_OCCURRENCES).map((e) => e.explanation);
  const more = evidence.length - told.length;
  if (more > 0) told.push(`And ${more} more ${more === 1 ? 'occurrence' : 'occurrences'}.`);
  return told.join(' ');
}

/** The trope of this kind that facts in story order (inStoryOrder) show, with every occurrence, or null. */
export function detectTrope<E extends TropeEvent>(kind: TropeKind, ordered: StoryFacts<E>): Trope<E> | null {
  const evidence = DETECTORS[kind](ordered);
  if (evidence.length === 0) return null;
  return { kind, name: TROPE_NAMES[kind], explanation: explanationOf(evidence), evidence };
}

/** The tropes the facts show, in TROPE_KINDS order, each with every occurrence as evidence. */
export function deriveTropes<E extends TropeEvent>(facts: StoryFacts<E>): Trope<E>[] {
  const ordered = inStoryOrder(facts);
  return TROPE_KINDS.flatMap((kind) => detectTrope(kind, ordered) ?? []);
}
