import { describe, expect, it } from 'vitest';
import type { PlotEventRecord, RelationshipRecord } from '../../src/domain/records.js';
import { deriveTropes, EXPLAINED_OCCURRENCES, explanationOf, type StoryFacts } from '../../src/domain/tropes.js';
import type { EventOutcome, PlotEventKind, RelationshipKind } from '../../src/domain/vocabulary.js';

const rel = (
  kind: RelationshipKind,
  from: string,
  to: string,
  since: number | null,
  mutual = true,
): RelationshipRecord => ({
  key: `s/${kind}-${from}-${to}`,
  seriesKey: 's',
  slug: `${from}-${to}`,
  kind,
  fromKey: `s/${from}`,
  toKey: `s/${to}`,
  mutual,
  sinceEpisode: since,
  untilEpisode: null,
  revealedIn: null,
  note: [],
  sources: [],
  certainty: 'STATED',
  basis: [],
});

const ev = (
  episode: number,
  sequence: number,
  kind: PlotEventKind,
  agent: string | null,
  target: string | null = null,
  outcome: EventOutcome | null = null,
  others: string[] = [],
): PlotEventRecord => ({
  key: `s/e${episode}-${sequence}`,
  seriesKey: 's',
  slug: `e${episode}-${sequence}`,
  episodeNumber: episode,
  sequence,
  kind,
  summary: '',
  agentKey: agent && `s/${agent}`,
  targetKey: target && `s/${target}`,
  outcome,
  flashback: false,
  sources: [],
  certainty: 'STATED',
  basis: [],
  participants: [
    ...(agent ? [{ characterKey: `s/${agent}`, role: 'AGENT' as const }] : []),
    ...(target ? [{ characterKey: `s/${target}`, role: 'TARGET' as const }] : []),
    ...others.map((o) => ({ characterKey: `s/${o}`, role: 'MENTIONED' as const })),
  ],
});

const NAMES = new Map(['ann', 'bob', 'cat', 'dan'].map((n) => [`s/${n}`, n[0]!.toUpperCase() + n.slice(1)]));
const facts = (relationships: RelationshipRecord[], events: PlotEventRecord[]): StoryFacts => ({
  relationships,
  events,
  names: NAMES,
});
const kinds = (f: StoryFacts) => deriveTropes(f).map((t) => t.kind);

describe('deriveTropes', () => {
  it('finds friends to lovers only when the friendship came first, citing the kiss that did it', () => {
    const [trope] = deriveTropes(
      facts(
        [rel('BEST_FRIEND', 'ann', 'bob', null), rel('ROMANTIC', 'bob', 'ann', 3)],
        [ev(3, 2, 'KISS', 'ann', 'bob')],
      ),
    );
    expect(trope).toMatchObject({
      kind: 'FRIENDS_TO_LOVERS',
      name: 'friends to lovers',
      explanation: 'Bob and Ann are best friends before they become a couple in episode 3.',
    });
    expect(trope!.evidence[0]!.events.map((e) => e.kind)).toEqual(['KISS']);
    expect(trope!.evidence[0]!.relationships.map((r) => r.kind)).toEqual(['BEST_FRIEND', 'ROMANTIC']);
    expect(kinds(facts([rel('FRIEND', 'ann', 'bob', 3), rel('ROMANTIC', 'ann', 'bob', 3)], []))).toEqual([]);
    expect(kinds(facts([rel('FRIEND', 'ann', 'bob', null), rel('ROMANTIC', 'ann', 'cat', 2)], []))).toEqual([]);
  });

  it('finds unrequited love in a rejected confession, not in an accepted one', () => {
    const [trope] = deriveTropes(
      facts([rel('UNREQUITED_LOVE', 'dan', 'cat', null, false)], [ev(2, 1, 'CONFESSION', 'dan', 'cat', 'REJECTED')]),
    );
    expect(trope).toMatchObject({
      kind: 'UNREQUITED_LOVE',
      explanation: 'Dan confesses to Cat in episode 2 and is turned down.',
    });
    expect(trope!.evidence[0]!.relationships).toHaveLength(1);
    expect(kinds(facts([], [ev(2, 1, 'CONFESSION', 'dan', 'cat', 'ACCEPTED')]))).toEqual([]);
  });

  it('finds a love triangle around whoever draws two admirers, from relationships or events', () => {
    const tropes = deriveTropes(
      facts(
        [rel('ROMANTIC', 'ann', 'bob', 2)],
        [ev(1, 1, 'ASK_OUT', 'cat', 'bob'), ev(1, 2, 'CONFESSION', 'dan', 'bob')],
      ),
    );
    expect(tropes.map((t) => t.kind)).toEqual(['LOVE_TRIANGLE']);
    expect(tropes[0]!.explanation).toBe('Ann, Cat and Dan are all drawn to Bob.');
    expect(tropes[0]!.evidence[0]!.characterKeys).toEqual(['s/bob', 's/ann', 's/cat', 's/dan']);
    expect(kinds(facts([rel('ROMANTIC', 'ann', 'bob', 2)], []))).toEqual([]);
  });

  it('finds a time skip and a reunion after a departure, ignoring mere mentions and earlier reunions', () => {
    const events = [
      ev(1, 1, 'REUNION', 'ann', 'bob'),
      ev(1, 2, 'DEPARTURE', 'ann'),
      ev(2, 1, 'TIME_SKIP', null),
      ev(2, 2, 'REUNION', 'cat', 'bob', null, ['ann']),
      ev(3, 1, 'REUNION', 'ann', 'bob'),
    ];
    const tropes = deriveTropes(facts([], events));
    expect(tropes.map((t) => [t.kind, t.explanation])).toEqual([
      ['TIME_SKIP', 'In episode 2 the story jumps ahead in time.'],
      ['REUNION_AFTER_SEPARATION', 'Ann leaves in episode 1 and is reunited with Bob in episode 3.'],
    ]);
    expect(tropes[1]!.evidence[0]!.events.map((e) => e.key)).toEqual(['s/e1-2', 's/e3-1']);
  });

  it('finds nothing in an empty story', () => {
    expect(deriveTropes(facts([], []))).toEqual([]);
  });
});

// Red team 47: 27,000 rejected confessions made one explanation megabytes long.
describe('explanationOf', () => {
  const evidence = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ explanation: `S${i}.`, relationships: [], events: [], characterKeys: [] }));
  it('tells every occurrence up to EXPLAINED_OCCURRENCES, in order', () => {
    expect(explanationOf(evidence(1))).toBe('S0.');
    expect(explanationOf(evidence(EXPLAINED_OCCURRENCES))).toBe(
      Array.from({ length: EXPLAINED_OCCURRENCES }, (_, i) => `S${i}.`).join(' '),
    );
  });
  it('counts the occurrences past them', () => {
    const told = Array.from({ length: EXPLAINED_OCCURRENCES }, (_, i) => `S${i}.`).join(' ');
    expect(explanationOf(evidence(EXPLAINED_OCCURRENCES + 1))).toBe(`${told} And 1 more occurrence.`);
    expect(explanationOf(evidence(27_000))).toBe(`${told} And ${27_000 - EXPLAINED_OCCURRENCES} more occurrences.`);
  });
});
