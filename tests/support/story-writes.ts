/** Small writes for a series of one's own: enough to put many plot events in one episode. */
export const RESULT = '__typename ... on ValidationError { message }';

const source = { document: 'proof.md', paragraph: 1 };

export interface Write {
  field: string;
  type: string;
  input: Record<string, unknown>;
}

export const SETUP_WRITES = (series: string): Write[] => [
  { field: 'upsertSeries', type: 'UpsertSeriesInput', input: { slug: series, title: `Proof ${series}`, episodeCount: 1, source } },
  { field: 'upsertEpisode', type: 'UpsertEpisodeInput', input: { series, number: 1, title: 'Pilot', source } },
  { field: 'upsertCharacter', type: 'UpsertCharacterInput', input: { series, slug: 'ann', name: 'Ann', source } },
];

export const eventWrite = (series: string, n: number): Write => ({
  field: 'upsertPlotEvent',
  type: 'UpsertPlotEventInput',
  input: { series, slug: `event-${n}`, episode: 1, sequence: n, kind: 'MEMORY', summary: `Ann remembers moment ${n}.`, agent: 'ann', source: { document: 'proof.md', paragraph: n } },
});

export const personWrite = (n: number): Write => ({
  field: 'upsertPerson',
  type: 'UpsertPersonInput',
  input: { slug: `proof-person-${n}`, name: `Proof Person ${n}`, source },
});

export const mutationOf = ({ field, type }: Write) =>
  `mutation Write($input: ${type}!) { ${field}(input: $input) { ${RESULT} } }`;

export const EVENTS_OF = `query Events($series: String!) { events(first: 100, filter: { series: $series }) {
  totalCount edges { node { sequence kind summary agent { slug } source { document paragraph } } } } }`;

export const expectedEvent = (n: number) => ({
  sequence: n, kind: 'MEMORY', summary: `Ann remembers moment ${n}.`, agent: { slug: 'ann' }, source: { document: 'proof.md', paragraph: n },
});
