import type { BenchKeys } from './keys.js';

export type OpId = 'confessions' | 'seriesPage' | 'standing' | 'timeline' | 'search' | 'connection' | 'recommendations';

export interface Operation {
  id: OpId;
  /** 1-based number of the operation in issue 6. */
  number: number;
  title: string;
  document: string;
  variables: (keys: BenchKeys) => Record<string, unknown>;
}

const CONFESSIONS = `query Confessions($series: String!) {
  events(filter: { series: $series, kinds: [CONFESSION] }, first: 100) {
    edges { node { episode { number } sequence summary outcome agent { name } target { name } } }
  }
}`;

const SERIES_PAGE = `query SeriesPage($slug: String!) {
  series(slug: $slug) {
    title
    episodes { number events { sequence kind participants { role character { name portrayedBy { name } } } } }
  }
}`;

const STANDING = `query Standing($series: String!, $slug: String!, $asOf: Int!) {
  character(series: $series, slug: $slug) {
    name
    relationships(asOfEpisode: $asOf) { kind mutual from { name } to { name } }
  }
}`;

const TIMELINE = `query Timeline($series: String!, $a: String!, $b: String!) {
  relationshipTimeline(series: $series, a: $a, b: $b) {
    episode { number } before after
    began { kind } ended { kind }
    cause { kind sequence agent { name } target { name } }
  }
}`;

const SEARCH = `query Search($query: String!) {
  search(query: $query, first: 10) { score matchedOn node { __typename ... on Character { name series { title } } } }
}`;

const CONNECTION = `query Connection($from: ID!, $to: ID!) {
  connection(from: $from, to: $to, maxHops: 4) {
    hops
    nodes { ... on Character { name } ... on Person { name } }
    steps { links relationships { kind } sharedEvents { sequence kind } }
  }
}`;

const RECOMMENDATIONS = `query Recommendations($slug: String!) {
  series(slug: $slug) { recommendations(first: 5) { score series { title } reasons { kind weight } } }
}`;

const characterId = (key: string) => Buffer.from(`Character:${key}`).toString('base64');

/** The seven operations of issue 6, with variables drawn from the catalogue's keys. */
export const OPERATIONS: readonly Operation[] = [
  {
    id: 'confessions',
    number: 1,
    title: 'confessions in a series',
    document: CONFESSIONS,
    variables: (k) => ({ series: k.series }),
  },
  {
    id: 'seriesPage',
    number: 2,
    title: 'series page (depth 5)',
    document: SERIES_PAGE,
    variables: (k) => ({ slug: k.series }),
  },
  {
    id: 'standing',
    number: 3,
    title: 'relationships as of episode N',
    document: STANDING,
    variables: (k) => ({ series: k.series, slug: k.character, asOf: k.asOfEpisode }),
  },
  {
    id: 'timeline',
    number: 4,
    title: 'relationship timeline',
    document: TIMELINE,
    variables: (k) => ({ series: k.series, a: k.pair[0], b: k.pair[1] }),
  },
  { id: 'search', number: 5, title: 'search', document: SEARCH, variables: (k) => ({ query: k.searchText }) },
  {
    id: 'connection',
    number: 6,
    title: 'connection between two characters',
    document: CONNECTION,
    variables: (k) => ({
      from: characterId(`${k.series}/${k.character}`),
      to: characterId(`${k.series}/${k.farCharacter}`),
    }),
  },
  {
    id: 'recommendations',
    number: 7,
    title: 'recommendations',
    document: RECOMMENDATIONS,
    variables: (k) => ({ slug: k.series }),
  },
];

export const operation = (id: OpId): Operation => OPERATIONS.find((op) => op.id === id)!;
