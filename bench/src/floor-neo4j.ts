import neo4j, { type Driver } from 'neo4j-driver';
import type { Neo4jSettings } from '../../src/config/environment.js';
import { BILLING_RANK } from '../../src/domain/vocabulary.js';
import type { Floor } from './floor.js';
import type { BenchKeys } from './keys.js';

/* The floor: each answer as one hand-written Cypher query, shaped like the GraphQL `data`. */

const CONFESSIONS = `// name: floorConfessions
MATCH (e:PlotEvent)
WHERE e.seriesKey = $series AND e.kind = 'CONFESSION'
WITH e ORDER BY e.episodeNumber, e.sequence
LIMIT 100
OPTIONAL MATCH (a:Character {key: e.agentKey})
OPTIONAL MATCH (t:Character {key: e.targetKey})
RETURN {node: {episode: {number: e.episodeNumber}, sequence: e.sequence, summary: e.summary, outcome: e.outcome,
  agent: CASE WHEN a IS NULL THEN null ELSE {name: a.name} END,
  target: CASE WHEN t IS NULL THEN null ELSE {name: t.name} END}} AS edge`;

const SERIES_PAGE = `// name: floorSeriesPage
MATCH (s:Series {slug: $slug})
RETURN {title: s.title, episodes: COLLECT {
  MATCH (s)<-[:OF_SERIES]-(ep:Episode)
  WITH ep ORDER BY ep.number
  RETURN {number: ep.number, events: COLLECT {
    MATCH (ep)<-[:IN_EPISODE]-(e:PlotEvent)
    WITH e ORDER BY e.sequence
    RETURN {sequence: e.sequence, kind: e.kind, participants: COLLECT {
      MATCH (c:Character)-[p:PARTICIPATES]->(e)
      WITH c, p ORDER BY p.position
      RETURN {role: p.role, character: {name: c.name, portrayedBy: COLLECT {
        MATCH (person:Person)-[r:PLAYS]->(c)
        WITH person, r ORDER BY $billingRank[r.billing], person.key
        RETURN {name: person.name}
      }}}
    }}
  }}
}} AS series`;

const STANDING = `// name: floorStanding
MATCH (c:Character {key: $key})
RETURN {name: c.name, relationships: COLLECT {
  MATCH (c)-[r:RELATES]-()
  WITH DISTINCT r
  WHERE (r.sinceEpisode IS NULL OR r.sinceEpisode <= $asOf) AND (r.untilEpisode IS NULL OR r.untilEpisode > $asOf)
  WITH r ORDER BY coalesce(r.sinceEpisode, 0), r.key
  RETURN {kind: r.kind, mutual: coalesce(r.mutual, false), from: {name: startNode(r).name}, to: {name: endNode(r).name}}
}} AS character`;

export class Neo4jFloor implements Floor {
  private readonly driver: Driver;
  queries = 0;

  constructor(private readonly settings: Neo4jSettings) {
    this.driver = neo4j.driver(settings.uri, neo4j.auth.basic(settings.user, settings.password), {
      disableLosslessIntegers: true,
    });
  }

  private async rows(cypher: string, params: Record<string, unknown>): Promise<Record<string, unknown>[]> {
    this.queries += 1;
    const result = await this.driver.executeQuery(cypher, params, {
      database: this.settings.database,
      routing: neo4j.routing.READ,
    });
    return result.records.map((r) => r.toObject());
  }

  async confessions(keys: BenchKeys) {
    const rows = await this.rows(CONFESSIONS, { series: keys.series });
    return { events: { edges: rows.map((r) => r.edge) } };
  }

  async seriesPage(keys: BenchKeys) {
    const [row] = await this.rows(SERIES_PAGE, { slug: keys.series, billingRank: BILLING_RANK });
    return { series: row?.series ?? null };
  }

  async standing(keys: BenchKeys) {
    const [row] = await this.rows(STANDING, { key: `${keys.series}/${keys.character}`, asOf: keys.asOfEpisode });
    return { character: row?.character ?? null };
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}
