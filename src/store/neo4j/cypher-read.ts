import { EVENT_FIELDS } from './decode.js';

/* Read queries. Batches answer one row per index `i` of `$keys` / `$queries`, a key of nothing a null item; ranks are parameters. */

const participants = (event: string): string =>
  `[(c:Character)-[p:PARTICIPATES]->(${event}) | [c.key, p.role, p.position]]`;
/** An event as a positional list (see EVENT_FIELDS in decode.ts). */
/** Whether `event` is within $visibleThrough (a list of { seriesKey, episode }, or null for no cut). */
export const shownThrough = (event: string): string =>
  `($visibleThrough IS NULL OR NONE(cut IN $visibleThrough
    WHERE cut.seriesKey = ${event}.seriesKey AND ${event}.episodeNumber > cut.episode))`;

export const eventRow = (event: string): string =>
  `[${EVENT_FIELDS.map((field) => `${event}.${field}`).join(', ')}, ${participants(event)}]`;
const relationshipMap = (rel: string): string =>
  `${rel} {.*, fromKey: startNode(${rel}).key, toKey: endNode(${rel}).key}`;
const perKey = 'UNWIND range(0, size($keys) - 1) AS i\nWITH i, $keys[i] AS key';
const perQuery = 'UNWIND range(0, size($queries) - 1) AS i\nWITH i, $queries[i] AS q';

const byKey = (name: string, label: string, projection: (v: string) => string): string => `// name: ${name}
${perKey}
OPTIONAL MATCH (n:${label} {key: key})
RETURN i, CASE WHEN n IS NULL THEN null ELSE ${projection('n')} END AS item`;

export const SERIES_BY_KEYS = byKey('seriesByKeys', 'Series', (n) => `${n} {.*}`);
export const EPISODES_BY_KEYS = byKey('episodesByKeys', 'Episode', (n) => `${n} {.*}`);
export const CHARACTERS_BY_KEYS = byKey('charactersByKeys', 'Character', (n) => `${n} {.*}`);
export const PEOPLE_BY_KEYS = byKey('peopleByKeys', 'Person', (n) => `${n} {.*}`);
export const EVENTS_BY_KEYS = byKey('eventsByKeys', 'PlotEvent', eventRow);

/** How many events each character takes part in after an episode, one count per query (listed, for \`many\`). */
export const LATER_EVENT_COUNTS = `// name: laterEventCounts
${perQuery}
RETURN i, [COUNT {
  MATCH (:Character {key: q.characterKey})-[:PARTICIPATES]->(e:PlotEvent)
  WHERE e.episodeNumber > q.afterEpisode
  WITH DISTINCT e
  RETURN e
}] AS items`;

export const RELATIONSHIPS_BY_KEYS = `// name: relationshipsByKeys
${perKey}
OPTIONAL MATCH ()-[r:RELATES {key: key}]->()
RETURN i, ${relationshipMap('r')} AS item`;

export const CASTINGS_BY_KEYS = `// name: castingsByKeys
${perKey}
OPTIONAL MATCH (p:Person)-[r:PLAYS {key: key}]->(c:Character)
RETURN i, CASE WHEN r IS NULL THEN null ELSE r {.*, personKey: p.key, characterKey: c.key} END AS item`;

export const CREDITS_BY_KEYS = `// name: creditsByKeys
${perKey}
OPTIONAL MATCH (p:Person)-[r:CREDITED {key: key}]->(s:Series)
RETURN i, CASE WHEN r IS NULL THEN null ELSE r {.*, seriesKey: s.key, personKey: p.key} END AS item`;

export const EPISODES_BY_SERIES = `// name: episodesBySeries
${perKey}
RETURN i, COLLECT {
  MATCH (:Series {key: key})<-[:OF_SERIES]-(n:Episode)
  WITH n ORDER BY n.number
  RETURN n {.*}
} AS items`;

export const CHARACTERS_BY_SERIES = `// name: charactersBySeries
${perKey}
RETURN i, COLLECT {
  MATCH (:Series {key: key})<-[:IN_SERIES]-(n:Character)
  WITH n ORDER BY n.slug, n.key
  RETURN n {.*}
} AS items`;

const casting = 'r {.*, personKey: p.key, characterKey: c.key}';

export const CASTINGS_BY_SERIES = `// name: castingsBySeries
${perKey}
RETURN i, COLLECT {
  MATCH (:Series {key: key})<-[:IN_SERIES]-(c:Character)<-[r:PLAYS]-(p:Person)
  WITH r, p, c ORDER BY $billingRank[r.billing], p.key, c.key
  RETURN ${casting}
} AS items`;

export const CASTINGS_BY_PERSON = `// name: castingsByPerson
${perKey}
RETURN i, COLLECT {
  MATCH (p:Person {key: key})-[r:PLAYS]->(c:Character)
  WITH r, p, c ORDER BY r.seriesKey, $billingRank[r.billing], p.key, c.key
  RETURN ${casting}
} AS items`;

export const CASTINGS_BY_CHARACTER = `// name: castingsByCharacter
${perKey}
RETURN i, COLLECT {
  MATCH (p:Person)-[r:PLAYS]->(c:Character {key: key})
  WITH r, p, c ORDER BY $billingRank[r.billing], p.key, c.key
  RETURN ${casting}
} AS items`;

const credit = 'r {.*, seriesKey: s.key, personKey: p.key}';

export const CREDITS_BY_SERIES = `// name: creditsBySeries
${perKey}
RETURN i, COLLECT {
  MATCH (p:Person)-[r:CREDITED]->(s:Series {key: key})
  WITH r, p, s ORDER BY $roleRank[r.role], p.key
  RETURN ${credit}
} AS items`;

export const CREDITS_BY_PERSON = `// name: creditsByPerson
${perKey}
RETURN i, COLLECT {
  MATCH (p:Person {key: key})-[r:CREDITED]->(s:Series)
  WITH r, p, s ORDER BY s.key, $roleRank[r.role], p.key
  RETURN ${credit}
} AS items`;

export const RELATIONSHIPS_OF = `// name: relationshipsOf
${perQuery}
RETURN i, COLLECT {
  MATCH (:Character {key: q.characterKey})-[r:RELATES]-()
  WITH DISTINCT r
  WHERE CASE
    WHEN q.asOfEpisode IS NULL THEN r.untilEpisode IS NULL
    ELSE (r.sinceEpisode IS NULL OR r.sinceEpisode <= q.asOfEpisode)
      AND (r.untilEpisode IS NULL OR r.untilEpisode > q.asOfEpisode)
  END
  WITH r ORDER BY coalesce(r.sinceEpisode, 0), r.key
  RETURN ${relationshipMap('r')}
} AS items`;

export const RELATIONSHIP_HISTORIES = `// name: relationshipHistories
${perKey}
RETURN i, COLLECT {
  MATCH (:Character {key: key})-[r:RELATES]-()
  WITH DISTINCT r ORDER BY coalesce(r.sinceEpisode, 0), r.key
  RETURN ${relationshipMap('r')}
} AS items`;

export const RELATIONSHIPS_OF_SERIES = `// name: relationshipsOfSeries
${perKey}
RETURN i, COLLECT {
  MATCH (:Series {key: key})<-[:IN_SERIES]-(:Character)-[r:RELATES]->()
  WITH r ORDER BY coalesce(r.sinceEpisode, 0), r.key
  RETURN ${relationshipMap('r')}
} AS items`;

export const EVENTS_OF_SERIES = `// name: eventsOfSeries
${perKey}
RETURN i, COLLECT {
  MATCH (e:PlotEvent)-[:IN_EPISODE]->(:Episode)-[:OF_SERIES]->(:Series {key: key})
  WITH e ORDER BY e.episodeNumber, e.sequence
  RETURN ${eventRow('e')}
} AS items`;

/** Read through the plot_event_position index, in its order, so a page costs its own size whatever the series'. */
export const EVENTS_OF_SERIES_AFTER = `// name: eventsOfSeriesAfter
MATCH (e:PlotEvent)
WHERE e.seriesKey = $series AND e.episodeNumber >= $episode
  AND (e.episodeNumber > $episode OR e.sequence > $sequence)
WITH e ORDER BY e.seriesKey, e.episodeNumber, e.sequence LIMIT $limit
RETURN ${eventRow('e')} AS item`;

export const EVENTS_OF_SERIES_BY_KIND = `// name: eventsOfSeriesByKind
${perQuery}
RETURN i, COLLECT {
  MATCH (e:PlotEvent)-[:IN_EPISODE]->(:Episode)-[:OF_SERIES]->(:Series {key: q.seriesKey})
  WHERE q.kinds IS NULL OR e.kind IN q.kinds
  WITH e ORDER BY e.episodeNumber, e.sequence
  RETURN ${eventRow('e')}
} AS items`;

export const EVENTS_OF_EPISODES = `// name: eventsOfEpisodes
${perQuery}
RETURN i, COLLECT {
  MATCH (e:PlotEvent)-[:IN_EPISODE]->(:Episode {key: q.episodeKey})
  WHERE q.kinds IS NULL OR e.kind IN q.kinds
  WITH e ORDER BY e.seriesKey, e.episodeNumber, e.sequence
  RETURN ${eventRow('e')}
} AS items`;

/**
 * Each character's events as keys, and every event they name once: characters of one series share most of their
 * events, and an event (its summary, its sources, its participants) sent once per character multiplied the answer.
 */
export const EVENTS_OF_CHARACTERS = `// name: eventsOfCharacters
${perQuery}
WITH i, COLLECT {
  MATCH (:Character {key: q.characterKey})-[p:PARTICIPATES]->(e:PlotEvent)
  WHERE (q.role IS NULL OR p.role = q.role) AND (q.kinds IS NULL OR e.kind IN q.kinds)
  WITH DISTINCT e
  WITH e ORDER BY e.seriesKey, e.episodeNumber, e.sequence
  RETURN e
} AS found
WITH collect([i, [e IN found | e.key]]) AS lists, collect(found) AS nested
CALL (nested) {
  UNWIND nested AS found
  UNWIND found AS e
  RETURN collect(DISTINCT e) AS shared
}
RETURN lists, [e IN shared | ${eventRow('e')}] AS events`;

const listSeries = (name: string, from: string): string => `// name: ${name}
MATCH (s:Series)
WHERE ${from}
WITH s ORDER BY s.slug LIMIT $limit
WITH collect(s {.*}) AS items
RETURN COUNT { (:Series) } AS total, items`;

/** Series pages in slug order, read from the slug index; the total is the label count. */
export const LIST_SERIES = listSeries('listSeries', 's.slug IS NOT NULL');
export const LIST_SERIES_AFTER = listSeries('listSeriesAfter', 's.slug > $afterSlug');

export const LIST_PEOPLE = `// name: listPeople
MATCH (p:Person)
WHERE $afterKey IS NULL OR p.key > $afterKey
RETURN p {.*} AS item
ORDER BY p.key
LIMIT $limit`;

export const COUNTS = `// name: counts
RETURN COUNT { (:Person) } AS people, COUNT { (:Series) } AS series, COUNT { (:Episode) } AS episodes,
  COUNT { (:Character) } AS characters, COUNT { ()-[:PLAYS]->() } AS castings,
  COUNT { ()-[:CREDITED]->() } AS credits, COUNT { ()-[:RELATES]->() } AS relationships,
  COUNT { (:PlotEvent) } AS events`;

export const PING = '// name: ping\nRETURN 1 AS ok';
/** Run only for the bookmark it ends with (see Neo4jConnection.bookmark). */
export const DATA_VERSION = '// name: dataVersion\nRETURN 1 AS ok';

const longest = (match: string, sizes: Record<string, string>, scope = ''): string =>
  `CALL (${scope}) { MATCH ${match} RETURN ${Object.entries(sizes)
    .map(([key, size]) => `coalesce(max(${size}), 0) AS ${key}`)
    .join(', ')} }`;

/** Each list a series `s` holds, by its length (as the embedded store's layout counts it). */
const SERIES_LISTS = {
  episodesPerSeries: 'COUNT { (s)<-[:OF_SERIES]-(:Episode) }',
  charactersPerSeries: 'COUNT { (s)<-[:IN_SERIES]-(:Character) }',
  castingsPerSeries: 'COUNT { (s)<-[:IN_SERIES]-(:Character)<-[:PLAYS]-(:Person) }',
  creditsPerSeries: 'COUNT { (s)<-[:CREDITED]-(:Person) }',
  starringPerSeries: 'size(coalesce(s.starring, []))',
  genresPerSeries: 'size(coalesce(s.genres, []))',
  platformsPerSeries: 'size(coalesce(s.platforms, []))',
};
/** Each list a character `c` holds, by its length. */
const CHARACTER_LISTS = {
  castingsPerCharacter: 'COUNT { (c)<-[:PLAYS]-() }',
  aliasesPerCharacter: 'size(coalesce(c.aliases, []))',
  relationshipsPerCharacter: 'COUNT { (c)-[:RELATES]-() }',
  eventsPerCharacter: 'COUNT { MATCH (c)-[:PARTICIPATES]->(e:PlotEvent) RETURN DISTINCT e }',
};
const EPISODE_LISTS = { eventsPerEpisode: 'COUNT { (ep)<-[:IN_EPISODE]-(:PlotEvent) }' };

/** The longest list of each kind one record holds (see ListSizes). */
export const LIST_SIZES = `// name: listSizes
${longest('(s:Series)', {
  ...SERIES_LISTS,
  relationshipsPerSeries: 'COUNT { (s)<-[:IN_SERIES]-(:Character)-[:RELATES]->() }',
  eventsPerSeries: 'COUNT { (s)<-[:OF_SERIES]-(:Episode)<-[:IN_EPISODE]-(:PlotEvent) }',
})}
${longest('(p:Person)', {
  castingsPerPerson: 'COUNT { (p)-[:PLAYS]->() }',
  creditsPerPerson: 'COUNT { (p)-[:CREDITED]->() }',
})}
${longest('(c:Character)', CHARACTER_LISTS)}
${longest('(ep:Episode)', EPISODE_LISTS)}
${longest('(e:PlotEvent)', { participantsPerEvent: 'COUNT { (e)<-[:PARTICIPATES]-() }' })}
RETURN *`;

/** The lists within each series (see SeriesListSizes): counted by degree, never read. A missing series has no row. */
export const SERIES_LIST_SIZES = `// name: seriesListSizes
${perKey}
MATCH (s:Series {key: key})
${longest('(s)<-[:OF_SERIES]-(ep:Episode)', EPISODE_LISTS, 's')}
${longest('(s)<-[:IN_SERIES]-(c:Character)', CHARACTER_LISTS, 's')}
RETURN i, s { ${Object.entries(SERIES_LISTS)
  .map(([key, size]) => `${key}: ${size}`)
  .join(', ')}, eventsPerEpisode, ${Object.keys(CHARACTER_LISTS).join(', ')} } AS item`;
