/* Schema, import and maintenance queries. Import queries take `$rows` and return `written`. */

export const MIGRATIONS: readonly string[] = [
  'CREATE CONSTRAINT series_key IF NOT EXISTS FOR (n:Series) REQUIRE n.key IS UNIQUE',
  'CREATE CONSTRAINT episode_key IF NOT EXISTS FOR (n:Episode) REQUIRE n.key IS UNIQUE',
  'CREATE CONSTRAINT character_key IF NOT EXISTS FOR (n:Character) REQUIRE n.key IS UNIQUE',
  'CREATE CONSTRAINT person_key IF NOT EXISTS FOR (n:Person) REQUIRE n.key IS UNIQUE',
  'CREATE CONSTRAINT plot_event_key IF NOT EXISTS FOR (n:PlotEvent) REQUIRE n.key IS UNIQUE',
  'CREATE CONSTRAINT plays_key IF NOT EXISTS FOR ()-[r:PLAYS]-() REQUIRE r.key IS UNIQUE',
  'CREATE CONSTRAINT credited_key IF NOT EXISTS FOR ()-[r:CREDITED]-() REQUIRE r.key IS UNIQUE',
  'CREATE CONSTRAINT relates_key IF NOT EXISTS FOR ()-[r:RELATES]-() REQUIRE r.key IS UNIQUE',
  'CREATE CONSTRAINT write_lock_stripe IF NOT EXISTS FOR (n:WriteLock) REQUIRE n.stripe IS UNIQUE',
  'CREATE CONSTRAINT change_cursor IF NOT EXISTS FOR (n:Change) REQUIRE n.cursor IS UNIQUE',
  'CREATE CONSTRAINT change_counter IF NOT EXISTS FOR (n:ChangeCounter) REQUIRE n.id IS UNIQUE',
  'CREATE INDEX series_slug IF NOT EXISTS FOR (n:Series) ON (n.slug)',
  'CREATE INDEX person_slug IF NOT EXISTS FOR (n:Person) ON (n.slug)',
  'CREATE INDEX episode_position IF NOT EXISTS FOR (n:Episode) ON (n.seriesKey, n.number)',
  'CREATE INDEX character_series IF NOT EXISTS FOR (n:Character) ON (n.seriesKey)',
  'CREATE INDEX character_slug IF NOT EXISTS FOR (n:Character) ON (n.slug)',
  'CREATE INDEX plot_event_position IF NOT EXISTS FOR (n:PlotEvent) ON (n.seriesKey, n.episodeNumber, n.sequence)',
  'CREATE INDEX plot_event_episode IF NOT EXISTS FOR (n:PlotEvent) ON (n.episodeNumber)',
  'CREATE INDEX plot_event_agent IF NOT EXISTS FOR (n:PlotEvent) ON (n.agentKey)',
  'CREATE INDEX plot_event_target IF NOT EXISTS FOR (n:PlotEvent) ON (n.targetKey)',
  'CREATE INDEX plot_event_kind IF NOT EXISTS FOR (n:PlotEvent) ON (n.kind)',
  'CREATE INDEX plot_event_outcome IF NOT EXISTS FOR (n:PlotEvent) ON (n.outcome)',
  'CREATE INDEX relates_kind IF NOT EXISTS FOR ()-[r:RELATES]-() ON (r.kind)',
  'CREATE INDEX participates_role IF NOT EXISTS FOR ()-[r:PARTICIPATES]-() ON (r.role)',
  'CREATE FULLTEXT INDEX drama_names IF NOT EXISTS FOR (n:Character|Person|Series) ' +
    'ON EACH [n.name, n.nativeName, n.aliases, n.title, n.originalTitle]',
  'CREATE FULLTEXT INDEX drama_search_keys IF NOT EXISTS FOR (n:Series|Episode|Character|Person) ' +
    "ON EACH [n.searchKeys] OPTIONS {indexConfig: {`fulltext.analyzer`: 'keyword'}}",
];

export const AWAIT_INDEXES = `// name: awaitIndexes
CALL db.awaitIndexes($seconds)`;

const importNodes = (name: string, label: string) => `// name: ${name}
UNWIND $rows AS row
MERGE (n:${label} {key: row.key})
SET n = row
RETURN count(n) AS written`;

const importSeriesMembers = (name: string, label: string, type: string) => `// name: ${name}
UNWIND $rows AS row
MATCH (s:Series {key: row.seriesKey})
MERGE (n:${label} {key: row.key})
SET n = row
MERGE (n)-[:${type}]->(s)
RETURN count(n) AS written`;

export const IMPORT_PEOPLE = importNodes('importPeople', 'Person');
export const IMPORT_SERIES = importNodes('importSeries', 'Series');
export const IMPORT_EPISODES = importSeriesMembers('importEpisodes', 'Episode', 'OF_SERIES');
export const IMPORT_CHARACTERS = importSeriesMembers('importCharacters', 'Character', 'IN_SERIES');

const importPersonEdges = (name: string, type: string, label: string, keyField: string) => `// name: ${name}
UNWIND $rows AS row
MATCH (p:Person {key: row.personKey})
WITH row, p
MATCH (t:${label} {key: row.${keyField}})
MERGE (p)-[r:${type} {key: row.props.key}]->(t)
SET r = row.props
RETURN count(r) AS written`;

export const IMPORT_CASTINGS = importPersonEdges('importCastings', 'PLAYS', 'Character', 'characterKey');
export const IMPORT_CREDITS = importPersonEdges('importCredits', 'CREDITED', 'Series', 'seriesKey');

export const IMPORT_RELATIONSHIPS = `// name: importRelationships
UNWIND $rows AS row
MATCH (a:Character {key: row.fromKey})
WITH row, a
MATCH (b:Character {key: row.toKey})
OPTIONAL MATCH ()-[old:RELATES {key: row.props.key}]->()
DELETE old
CREATE (a)-[r:RELATES]->(b)
SET r = row.props
RETURN count(r) AS written`;

export const IMPORT_EVENTS = `// name: importEvents
UNWIND $rows AS row
MATCH (ep:Episode {key: row.episodeKey})
MERGE (n:PlotEvent {key: row.props.key})
SET n = row.props
WITH n, ep, [(n)-[x:IN_EPISODE]->() | x] + [()-[y:PARTICIPATES]->(n) | y] AS stale
FOREACH (old IN stale | DELETE old)
CREATE (n)-[:IN_EPISODE]->(ep)
RETURN count(n) AS written`;

export const IMPORT_PARTICIPATIONS = `// name: importParticipations
UNWIND $rows AS row
MATCH (c:Character {key: row.characterKey})
WITH row, c
MATCH (e:PlotEvent {key: row.eventKey})
CREATE (c)-[:PARTICIPATES {role: row.role, position: row.position}]->(e)
RETURN count(*) AS written`;

/** Deletes up to $limit nodes (and their relationships); run until it deletes none. */
export const DELETE_EVERYTHING = `// name: deleteEverything
MATCH (n)
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted`;

const typesOf = (pattern: string, property: string) =>
  `COLLECT { MATCH ${pattern} WHERE x.${property} IS NOT NULL RETURN DISTINCT valueType(x.${property}) }`;

const itemTypesOf = (pattern: string, property: string) =>
  `COLLECT { MATCH ${pattern} UNWIND coalesce(x.${property}, []) AS v RETURN DISTINCT valueType(v) }`;

/** Test support: the distinct stored value types of the integer properties. */
export const PROPERTY_TYPES = `// name: propertyTypes
RETURN ${typesOf('(x:Series)', 'episodeCount')} AS seriesEpisodeCount,
  ${typesOf('(x:Series)', 'releaseYear')} AS seriesReleaseYear,
  ${typesOf('(x:Episode)', 'number')} AS episodeNumber,
  ${typesOf('(x:Episode)', 'runtimeMinutes')} AS episodeRuntimeMinutes,
  ${typesOf('(x:PlotEvent)', 'episodeNumber')} AS eventEpisodeNumber,
  ${typesOf('(x:PlotEvent)', 'sequence')} AS eventSequence,
  ${itemTypesOf('(x:PlotEvent)', 'sourceParagraphs')} AS eventSourceParagraphs,
  ${itemTypesOf('(x:Character)', 'descriptionFrom')} AS characterDescriptionFrom,
  ${typesOf('()-[x:RELATES]->()', 'sinceEpisode')} AS relationshipSinceEpisode,
  ${typesOf('()-[x:PARTICIPATES]->()', 'position')} AS participationPosition`;
