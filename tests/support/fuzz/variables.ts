import type { Random } from '../../../src/generate/random.js';
import { hostileString, hostileValue } from './hostile.js';

export interface Operation {
  query: string;
  variables?: unknown;
  operationName?: string;
}

const READS: readonly { query: string; names: string[] }[] = [
  { query: 'query Q($s: String!) { series(slug: $s) { title episodes { number } } }', names: ['s'] },
  {
    query: 'query Q($s: String!, $c: String!) { character(series: $s, slug: $c) { name relationships { kind } } }',
    names: ['s', 'c'],
  },
  { query: 'query Q($s: String!) { person(slug: $s) { name castings { billing } } }', names: ['s'] },
  { query: 'query Q($q: String!, $n: Int) { search(query: $q, first: $n) { __typename } }', names: ['q', 'n'] },
  { query: 'query Q($s: String!, $n: Int!) { episode(series: $s, number: $n) { title } }', names: ['s', 'n'] },
  {
    query:
      'query Q($s: String!, $a: String!, $b: String!) { relationshipTimeline(series: $s, a: $a, b: $b) { __typename } }',
    names: ['s', 'a', 'b'],
  },
  {
    query:
      'query Q($f: EventFilter, $n: Int, $c: String) { events(filter: $f, first: $n, after: $c) { totalCount edges { cursor } } }',
    names: ['f', 'n', 'c'],
  },
  {
    query:
      'query Q($n: Int, $c: String) { allSeries(first: $n, after: $c) { totalCount edges { cursor node { slug } } } }',
    names: ['n', 'c'],
  },
  { query: 'query Q($id: ID!) { node(id: $id) { id __typename } }', names: ['id'] },
  {
    query: 'query Q($a: ID!, $b: ID!, $h: Int) { connection(from: $a, to: $b, maxHops: $h) { hops } }',
    names: ['a', 'b', 'h'],
  },
];

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** Ids and cursors that look almost right: right encoding, wrong content, and the other way round. */
function invalidIdOrCursor(random: Random): string {
  return random.pick<() => string>([
    () =>
      base64(
        `${random.pick(['Series', 'Character', 'Person', 'Episode', 'PlotEvent', 'Nope', '__proto__'])}:${hostileString(random)}`,
      ),
    () => base64(hostileString(random)),
    () => `${base64('Series:soundtrack-1')}!!`,
    () => base64('Episode:soundtrack-1/999999999999'),
    () => base64('Character:soundtrack-1/../../etc'),
    () => base64(JSON.stringify({ seriesKey: hostileString(random), episodeNumber: -1, sequence: 'x' })),
    () => hostileString(random),
  ])();
}

function filterValue(random: Random): unknown {
  if (random.chance(0.3)) return hostileValue(random);
  return {
    series: hostileString(random),
    agent: random.chance(0.5) ? hostileString(random) : undefined,
    kinds: random.chance(0.5) ? [random.pick(['CONFESSION', 'DROP TABLE', '__proto__'])] : undefined,
    outcome: random.chance(0.3) ? hostileValue(random) : undefined,
  };
}

function readValue(random: Random, name: string): unknown {
  if (random.chance(0.15)) return hostileValue(random);
  if (name === 'f') return filterValue(random);
  if (name === 'n' || name === 'h') return random.pick([0, -1, 101, 2 ** 31, 1.5, 7]);
  if (name === 'id' || name === 'a' || name === 'b' || name === 'c') return invalidIdOrCursor(random);
  return hostileString(random);
}

export function hostileRead(random: Random): Operation {
  const read = random.pick(READS);
  const variables: Record<string, unknown> = Object.fromEntries(
    read.names.map((name) => [name, readValue(random, name)]),
  );
  if (random.chance(0.1)) variables[hostileString(random)] = hostileValue(random);
  return { query: read.query, variables: random.chance(0.05) ? hostileValue(random) : variables };
}
