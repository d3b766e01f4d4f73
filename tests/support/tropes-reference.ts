/*
 * The tropes as first written: each detector scans the facts for every occurrence. Kept as the reference that
 * src/domain/tropes.ts, which looks facts up by key, must agree with.
 */
import { slugOf } from '../../src/domain/keys.js';
import type { PlotEventRecord, RelationshipRecord } from '../../src/domain/records.js';
import { between, causeAmong } from '../../src/domain/timeline.js';
import {
  explanationOf,
  type StoryFacts,
  TROPE_KINDS,
  TROPE_NAMES,
  type Trope,
  type TropeEvidence,
  type TropeKind,
} from '../../src/domain/tropes.js';
import type { PlotEventKind, RelationshipKind } from '../../src/domain/vocabulary.js';

type Detector = (facts: StoryFacts) => TropeEvidence[];

const FRIENDSHIPS: readonly RelationshipKind[] = ['FRIEND', 'BEST_FRIEND'];
const INTEREST_EVENTS: ReadonlySet<PlotEventKind> = new Set(['CONFESSION', 'ASK_OUT']);

const nameOf = (facts: StoryFacts, key: string): string => facts.names.get(key) ?? slugOf(key);
const unique = <T>(items: readonly T[]): T[] => [...new Set(items)];

const listed = (names: readonly string[]): string =>
  names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;

const later = (a: PlotEventRecord, b: PlotEventRecord): boolean =>
  a.episodeNumber > b.episodeNumber || (a.episodeNumber === b.episodeNumber && a.sequence > b.sequence);

const begunBefore = (first: RelationshipRecord, then: RelationshipRecord): boolean =>
  then.sinceEpisode !== null && (first.sinceEpisode === null || first.sinceEpisode < then.sinceEpisode);

const friendsToLovers: Detector = (facts) =>
  facts.relationships
    .filter((r) => r.kind === 'ROMANTIC')
    .flatMap((romance) => {
      const pair = [romance.fromKey, romance.toKey] as const;
      const friendships = facts.relationships.filter(
        (r) => FRIENDSHIPS.includes(r.kind) && between(pair)(r) && begunBefore(r, romance),
      );
      if (friendships.length === 0) return [];
      const cause = causeAmong(
        facts.events.filter((e) => e.episodeNumber === romance.sinceEpisode),
        pair,
      );
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

const unrequitedLove: Detector = (facts) =>
  facts.events
    .filter((e) => e.kind === 'CONFESSION' && e.outcome === 'REJECTED' && e.agentKey && e.targetKey)
    .map((e) => ({
      explanation: `${nameOf(facts, e.agentKey!)} confesses to ${nameOf(facts, e.targetKey!)} in episode ${e.episodeNumber} and is turned down.`,
      relationships: facts.relationships.filter(
        (r) => r.kind === 'UNREQUITED_LOVE' && r.fromKey === e.agentKey && r.toKey === e.targetKey,
      ),
      events: [e],
      characterKeys: [e.agentKey!, e.targetKey!],
    }));

/** The relationships that draw one character to another; mutual ROMANTIC and UNSPOKEN_LOVE draw both ways. */
const LOVE_KINDS: ReadonlySet<RelationshipRecord['kind']> = new Set([
  'ROMANTIC',
  'UNREQUITED_LOVE',
  'UNSPOKEN_LOVE',
  'ATTRACTION',
]);

type Interest = { from: string; to: string; relationship?: RelationshipRecord; event?: PlotEventRecord };

function interests(facts: StoryFacts): Interest[] {
  const fromRelationships = facts.relationships.flatMap((r): Interest[] => {
    if (!LOVE_KINDS.has(r.kind)) return [];
    if (r.kind === 'UNREQUITED_LOVE' || r.kind === 'ATTRACTION' || !r.mutual)
      return [{ from: r.fromKey, to: r.toKey, relationship: r }];
    return [
      { from: r.fromKey, to: r.toKey, relationship: r },
      { from: r.toKey, to: r.fromKey, relationship: r },
    ];
  });
  const fromEvents = facts.events
    .filter((e) => INTEREST_EVENTS.has(e.kind) && e.agentKey && e.targetKey && e.agentKey !== e.targetKey)
    .map((e): Interest => ({ from: e.agentKey!, to: e.targetKey!, event: e }));
  return [...fromRelationships, ...fromEvents];
}

const loveTriangle: Detector = (facts) => {
  const all = interests(facts);
  return unique(all.map((i) => i.to))
    .sort()
    .flatMap((target) => {
      const toward = all.filter((i) => i.to === target);
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

const involves = (e: PlotEventRecord, key: string): boolean =>
  e.participants.some((p) => p.characterKey === key && p.role !== 'MENTIONED');

const reunionAfterSeparation: Detector = (facts) =>
  facts.events
    .filter((e) => e.kind === 'DEPARTURE' && (e.agentKey ?? e.targetKey))
    .flatMap((departure) => {
      const who = (departure.agentKey ?? departure.targetKey)!;
      const reunion = facts.events.find((e) => e.kind === 'REUNION' && later(e, departure) && involves(e, who));
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

const DETECTORS: Record<TropeKind, Detector> = {
  FRIENDS_TO_LOVERS: friendsToLovers,
  UNREQUITED_LOVE: unrequitedLove,
  LOVE_TRIANGLE: loveTriangle,
  TIME_SKIP: timeSkip,
  REUNION_AFTER_SEPARATION: reunionAfterSeparation,
};

const storyOrder = (a: PlotEventRecord, b: PlotEventRecord): number =>
  a.episodeNumber - b.episodeNumber || a.sequence - b.sequence;

export function referenceTropes(facts: StoryFacts): Trope[] {
  const ordered = { ...facts, events: [...facts.events].sort(storyOrder) };
  return TROPE_KINDS.flatMap((kind) => {
    const evidence = DETECTORS[kind](ordered);
    if (evidence.length === 0) return [];
    return [{ kind, name: TROPE_NAMES[kind], explanation: explanationOf(evidence), evidence }];
  });
}
