/* Search and connection queries. Search finds candidates through the `drama_search_keys` full-text index. */

import { isChoseongOnly } from '../../domain/search/fold.js';
import { eventRow } from './cypher-read.js';

const LUCENE_SPECIAL = /[+\-&|!(){}[\]^"~*?:\\/]/g;

export const escapeLucene = (text: string): string => text.replace(LUCENE_SPECIAL, (c) => `\\${c}`);

/** A keyword-index wildcard query for keys containing the folded query, or its initials in order. */
export function luceneFor(query: string): string {
  const parts = isChoseongOnly(query) ? Array.from(query) : [query];
  return `*${parts.map(escapeLucene).join('*')}*`;
}

export const SEARCH_CANDIDATES = `// name: searchCandidates
CALL db.index.fulltext.queryNodes('drama_search_keys', $lucene) YIELD node
WITH node, CASE
  WHEN node:Series THEN 0 WHEN node:Episode THEN 1 WHEN node:Character THEN 2 ELSE 3
END AS rank
ORDER BY rank, node.key
LIMIT $limit
RETURN rank, node {.*} AS item`;

const relationshipMap = 'r {.*, fromKey: startNode(r).key, toKey: endNode(r).key}';

export const NEIGHBOURHOODS = `// name: neighbourhoods
UNWIND range(0, size($keys) - 1) AS i
WITH i, $keys[i] AS key
RETURN i, COLLECT {
  MATCH (:Character {key: key})-[r:RELATES]-()
  WITH DISTINCT r ORDER BY coalesce(r.sinceEpisode, 0), r.key
  RETURN ${relationshipMap}
} AS relationships, COLLECT {
  MATCH (:Character {key: key})-[:PARTICIPATES]->(e:PlotEvent)
  WITH DISTINCT e ORDER BY e.seriesKey, e.episodeNumber, e.sequence, e.key
  RETURN ${eventRow('e')}
} AS events, COLLECT {
  MATCH (p:Person)-[r:PLAYS]->(c:Character {key: key})
  WITH r, p, c ORDER BY $billingRank[r.billing], p.key
  RETURN r {.*, personKey: p.key, characterKey: c.key}
} + COLLECT {
  MATCH (p:Person {key: key})-[r:PLAYS]->(c:Character)
  WITH r, p, c ORDER BY r.seriesKey, $billingRank[r.billing], c.key
  RETURN r {.*, personKey: p.key, characterKey: c.key}
} AS castings`;
