import type { BenchKeys } from './keys.js';

/** Type definitions for @neo4j/graphql over the same Neo4j model (labels and types of cypher-write.ts). */
export const PEER_TYPE_DEFS = /* GraphQL */ `
  type Series @node {
    key: String!
    slug: String!
    title: String!
    episodes: [Episode!]! @relationship(type: "OF_SERIES", direction: IN)
  }
  type Episode @node {
    key: String!
    number: Int!
    events: [PlotEvent!]! @relationship(type: "IN_EPISODE", direction: IN)
  }
  type Participates @relationshipProperties {
    role: String!
    position: Int!
  }
  type Relates @relationshipProperties {
    key: String!
    kind: String!
    mutual: Boolean
    sinceEpisode: Int
    untilEpisode: Int
  }
  type PlotEvent @node {
    key: String!
    seriesKey: String!
    episodeNumber: Int!
    sequence: Int!
    kind: String!
    summary: String!
    outcome: String
    episode: [Episode!]! @relationship(type: "IN_EPISODE", direction: OUT)
    participants: [Character!]! @relationship(type: "PARTICIPATES", direction: IN, properties: "Participates")
  }
  type Character @node {
    key: String!
    name: String!
    portrayedBy: [Person!]! @relationship(type: "PLAYS", direction: IN)
    relatesTo: [Character!]! @relationship(type: "RELATES", direction: OUT, properties: "Relates")
    relatedBy: [Character!]! @relationship(type: "RELATES", direction: IN, properties: "Relates")
  }
  type Person @node {
    key: String!
    name: String!
  }
`;

const role = (r: string) =>
  `participantsConnection(where: { edge: { role: { eq: "${r}" } } }) { edges { node { name } } }`;

const CONFESSIONS = `query PeerConfessions($series: String!) {
  plotEvents(where: { seriesKey: { eq: $series }, kind: { eq: "CONFESSION" } },
    sort: [{ episodeNumber: ASC }, { sequence: ASC }], limit: 100) {
    episode { number } sequence summary outcome
    agent: ${role('AGENT')}
    target: ${role('TARGET')}
  }
}`;

const SERIES_PAGE = `query PeerSeriesPage($slug: String!) {
  series(where: { slug: { eq: $slug } }) {
    title
    episodes(sort: [{ number: ASC }]) {
      number
      events(sort: [{ sequence: ASC }]) {
        sequence kind
        participantsConnection(sort: [{ edge: { position: ASC } }]) {
          edges { properties { role } node { name portrayedBy { name } } }
        }
      }
    }
  }
}`;

const holdsAt = `{ edge: { AND: [
  { OR: [{ sinceEpisode: { eq: null } }, { sinceEpisode: { lte: $asOf } }] },
  { OR: [{ untilEpisode: { eq: null } }, { untilEpisode: { gt: $asOf } }] }
] } }`;
const relates = (field: string) =>
  `${field}Connection(where: ${holdsAt}) { edges { properties { kind mutual } node { name } } }`;

const STANDING = `query PeerStanding($key: String!, $asOf: Int!) {
  characters(where: { key: { eq: $key } }) {
    name
    ${relates('relatesTo')}
    ${relates('relatedBy')}
  }
}`;

export const PEER_OPERATIONS = {
  confessions: { document: CONFESSIONS, variables: (k: BenchKeys) => ({ series: k.series }) },
  seriesPage: { document: SERIES_PAGE, variables: (k: BenchKeys) => ({ slug: k.series }) },
  standing: {
    document: STANDING,
    variables: (k: BenchKeys) => ({ key: `${k.series}/${k.character}`, asOf: k.asOfEpisode }),
  },
} as const;
