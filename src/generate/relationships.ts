import type { SeedRelationship } from '../seed/format.js';
import type { Random } from './random.js';

type Source = SeedRelationship['sources'][number];

interface Pair {
  from: string;
  to: string;
}

function relationship(
  pair: Pair,
  kind: SeedRelationship['kind'],
  span: { since: number | null; until: number | null },
  source: Source,
): SeedRelationship {
  const mutual = kind !== 'UNREQUITED_LOVE' && kind !== 'SENIOR_JUNIOR';
  const slug = `${pair.from}-${pair.to}-${kind.toLowerCase().replace(/_/g, '-')}`;
  const note =
    span.since === null ? [] : [{ fromEpisode: span.since, text: `${kind.toLowerCase()} from episode ${span.since}` }];
  const judged =
    kind === 'FRIEND'
      ? { certainty: 'INFERRED' as const, basis: [{ fromEpisode: 1, text: 'they are often seen together' }] }
      : { certainty: 'STATED' as const, basis: [] };
  return {
    slug,
    kind,
    from: pair.from,
    to: pair.to,
    mutual,
    ...span,
    revealedIn: null,
    note,
    ...judged,
    sources: [source],
  };
}

/** Friends who become a couple mid-series: FRIEND/BEST_FRIEND until N, then ROMANTIC since N. */
function friendsToLovers(pair: Pair, random: Random, episodes: number, source: Source): SeedRelationship[] {
  const turn = random.int(3, episodes - 2);
  const friendship = random.pick(['FRIEND', 'BEST_FRIEND'] as const);
  return [
    relationship(pair, friendship, { since: null, until: turn }, source),
    relationship(pair, 'ROMANTIC', { since: turn, until: null }, source),
  ];
}

function steady(
  pair: Pair,
  kind: SeedRelationship['kind'],
  random: Random,
  episodes: number,
  source: Source,
): SeedRelationship {
  const since = random.chance(0.6) ? null : random.int(1, episodes);
  const until = since !== null && since < episodes && random.chance(0.3) ? random.int(since + 1, episodes) : null;
  return relationship(pair, kind, { since, until }, source);
}

/**
 * Relationships among the characters: the leads' friendships turn romantic, plus rivalries, families,
 * colleagues and seniors; one relationship per pair and kind, no pair used twice.
 */
export function generateRelationships(
  characters: readonly string[],
  random: Random,
  episodes: number,
  source: Source,
): SeedRelationship[] {
  const order = random.sample(characters, characters.length);
  const pairs: Pair[] = [];
  for (let i = 0; i + 1 < order.length; i += 2) pairs.push({ from: order[i]!, to: order[i + 1]! });
  for (let i = 1; i + 2 < order.length; i += 3) pairs.push({ from: order[i]!, to: order[i + 2]! });
  const result: SeedRelationship[] = [];
  const kinds = ['RIVAL', 'FAMILY', 'COLLEAGUE', 'SENIOR_JUNIOR', 'FRIEND', 'UNREQUITED_LOVE'] as const;
  pairs.forEach((pair, i) => {
    if (i < 3) result.push(...friendsToLovers(pair, random, episodes, source));
    else result.push(steady(pair, kinds[i % kinds.length]!, random, episodes, source));
  });
  return result;
}
