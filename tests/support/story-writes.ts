/**
 * Small writes for a series of one's own: enough for many plot events, each the only event of its own
 * episode (episode n, sequence 1), so writes that land in any order leave no gap in any episode.
 */
const RESULT = '__typename ... on ValidationError { message }';

const source = { document: 'proof.md', paragraph: 1 };

export interface Write {
  field: string;
  type: string;
  input: Record<string, unknown>;
  /** An episode to upsert first, in the same request. */
  episode?: Record<string, unknown>;
}

export const SETUP_WRITES = (series: string): Write[] => [
  {
    field: 'upsertSeries',
    type: 'UpsertSeriesInput',
    input: { slug: series, title: `Proof ${series}`, episodeCount: 10_000, source },
  },
  { field: 'upsertEpisode', type: 'UpsertEpisodeInput', input: { series, number: 1, title: 'Pilot', source } },
  { field: 'upsertCharacter', type: 'UpsertCharacterInput', input: { series, slug: 'ann', name: 'Ann', source } },
];

export const eventWrite = (series: string, n: number): Write => ({
  field: 'upsertPlotEvent',
  type: 'UpsertPlotEventInput',
  input: {
    series,
    slug: `event-${n}`,
    episode: n,
    sequence: 1,
    kind: 'MEMORY',
    summary: `Ann remembers moment ${n}.`,
    agent: 'ann',
    source: { document: 'proof.md', paragraph: n },
  },
  episode: { series, number: n, source },
});

export const personWrite = (n: number): Write => ({
  field: 'upsertPerson',
  type: 'UpsertPersonInput',
  input: { slug: `proof-person-${n}`, name: `Proof Person ${n}`, source },
});

export const mutationOf = ({ field, type, episode }: Write) =>
  episode
    ? `mutation Write($episode: UpsertEpisodeInput!, $input: ${type}!) { episode: upsertEpisode(input: $episode) { __typename } ${field}(input: $input) { ${RESULT} } }`
    : `mutation Write($input: ${type}!) { ${field}(input: $input) { ${RESULT} } }`;

export const variablesOf = ({ input, episode }: Write): Record<string, unknown> =>
  episode ? { input, episode } : { input };

export const EVENTS_OF = `query Events($series: String!) { events(first: 100, filter: { series: $series }) {
  totalCount edges { node { episode { number } sequence kind summary agent { slug } source { document paragraph } } } } }`;

export const expectedEvent = (n: number) => ({
  episode: { number: n },
  sequence: 1,
  kind: 'MEMORY',
  summary: `Ann remembers moment ${n}.`,
  agent: { slug: 'ann' },
  source: { document: 'proof.md', paragraph: n },
});
