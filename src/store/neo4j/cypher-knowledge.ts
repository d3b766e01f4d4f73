/* Search and path (neighbourhood) queries. Search finds candidates through the `drama_search_keys` full-text index. */

import { isChoseongOnly } from '../../domain/search/fold.js';
import { eventRow, shownThrough } from './cypher-read.js';

const LUCENE_SPECIAL = /[+\-&|!(){}[\]^"~*?:\\/]/g;

export const escapeLucene = (text: string): string => text.replace(LUCENE_SPECIAL, (c) => `\\${c}`);

/*
 * Lucene refuses a wildcard whose automaton is too complex to determinize (about a hundred initials), so
 * the pattern holds at most this much of the query; the exact test in SEARCH_CANDIDATES drops the extra hits.
 */
export const MAX_PATTERN_INITIALS = 16;
export const MAX_PATTERN_CHARS = 64;

/** A keyword-index wildcard query for keys containing (the start of) the folded query, or its initials in order. */
export function luceneFor(query: string): string {
  const chars = Array.from(query);
  const parts = isChoseongOnly(query)
    ? chars.slice(0, MAX_PATTERN_INITIALS)
    : [chars.slice(0, MAX_PATTERN_CHARS).join('')];
  return `*${parts.map(escapeLucene).join('*')}*`;
}

/** Parameters of SEARCH_CANDIDATES: the coarse Lucene pattern, and the query for the exact test (mayMatch). */
export const searchParams = (query: string) => ({
  lucene: luceneFor(query),
  query,
  initials: isChoseongOnly(query) ? Array.from(query) : null,
});

export const SEARCH_CANDIDATES = `// name: searchCandidates
CALL db.index.fulltext.queryNodes('drama_search_keys', $lucene) YIELD node
WITH node WHERE any(key IN node.searchKeys WHERE key CONTAINS $query OR ($initials IS NOT NULL AND
  reduce(at = 0, c IN split(key, '') | CASE WHEN at < size($initials) AND c = $initials[at] THEN at + 1 ELSE at END) = size($initials)))
WITH node, CASE
  WHEN node:Series THEN 0 WHEN node:Episode THEN 1 WHEN node:Character THEN 2 ELSE 3
END AS rank
ORDER BY rank, node.key
LIMIT $limit
RETURN rank, node {.*} AS item`;

const relationshipMap = 'r {.*, fromKey: startNode(r).key, toKey: endNode(r).key}';

/**
 * The events are weighed first (one plus one per participant, for each key whose neighbourhood holds them): over
 * $atMost in all, one row (i = -1) says so and nothing is read. Events after $visibleThrough are neither weighed nor read.
 */
export const NEIGHBOURHOODS = `// name: neighbourhoods
CALL {
  UNWIND $keys AS key
  MATCH (:Character {key: key})-[:PARTICIPATES]->(e:PlotEvent)
  WHERE ${shownThrough('e')}
  WITH DISTINCT key, e
  RETURN sum(1 + COUNT { (e)<-[:PARTICIPATES]-() }) AS weight
}
UNWIND CASE WHEN weight > $atMost THEN [-1] ELSE range(0, size($keys) - 1) END AS i
WITH i, CASE WHEN i < 0 THEN null ELSE $keys[i] END AS key
RETURN i, COLLECT {
  MATCH (:Character {key: key})-[r:RELATES]-()
  WITH DISTINCT r ORDER BY coalesce(r.sinceEpisode, 0), r.key
  RETURN ${relationshipMap}
} AS relationships, COLLECT {
  MATCH (:Character {key: key})-[:PARTICIPATES]->(e:PlotEvent)
  WHERE ${shownThrough('e')}
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
