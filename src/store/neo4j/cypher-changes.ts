/* Queries of the write path: what a write must check (run inside its transaction) and deletions. */

const perKey = 'UNWIND range(0, size($keys) - 1) AS i\nWITH i, $keys[i] AS key';
const ref = (collection: string, variable: string) => `{collection: '${collection}', key: ${variable}.key}`;

export const SERIES_CONTENTS = `// name: seriesContents
${perKey}
OPTIONAL MATCH (s:Series {key: key})
RETURN i, COLLECT { MATCH (s)<-[:OF_SERIES]-(e:Episode) RETURN ${ref('episodes', 'e')} }
  + COLLECT { MATCH (s)<-[:IN_SERIES]-(c:Character) RETURN ${ref('characters', 'c')} }
  + COLLECT { MATCH (s)<-[:IN_SERIES]-(:Character)<-[r:PLAYS]-(:Person) RETURN ${ref('castings', 'r')} }
  + COLLECT { MATCH (s)<-[r:CREDITED]-(:Person) RETURN ${ref('credits', 'r')} }
  + COLLECT { MATCH (s)<-[:IN_SERIES]-(:Character)-[r:RELATES]->(:Character) RETURN ${ref('relationships', 'r')} }
  + COLLECT { MATCH (s)<-[:OF_SERIES]-(:Episode)<-[:IN_EPISODE]-(e:PlotEvent) RETURN ${ref('events', 'e')} } AS items`;

export const EPISODE_DEPENDENTS = `// name: episodeDependents
${perKey}
OPTIONAL MATCH (ep:Episode {key: key})
RETURN i, COLLECT { MATCH (ep)<-[:IN_EPISODE]-(e:PlotEvent) RETURN ${ref('events', 'e')} }
  + COLLECT {
    MATCH (:Series {key: ep.seriesKey})<-[:IN_SERIES]-(:Character)-[r:RELATES]->(:Character)
    WHERE r.sinceEpisode = ep.number OR r.untilEpisode = ep.number
    RETURN ${ref('relationships', 'r')}
  } AS items`;

export const CHARACTER_DEPENDENTS = `// name: characterDependents
${perKey}
OPTIONAL MATCH (c:Character {key: key})
RETURN i, COLLECT { MATCH (c)<-[r:PLAYS]-(:Person) RETURN ${ref('castings', 'r')} }
  + COLLECT { MATCH (c)-[r:RELATES]-(:Character) RETURN DISTINCT ${ref('relationships', 'r')} }
  + COLLECT { MATCH (c)-[:PARTICIPATES]->(e:PlotEvent) RETURN DISTINCT ${ref('events', 'e')} } AS items`;

export const PERSON_DEPENDENTS = `// name: personDependents
${perKey}
OPTIONAL MATCH (p:Person {key: key})
RETURN i, COLLECT { MATCH (p)-[r:PLAYS]->(:Character) RETURN ${ref('castings', 'r')} }
  + COLLECT { MATCH (p)-[r:CREDITED]->(:Series) RETURN ${ref('credits', 'r')} }
  + COLLECT { MATCH (s:Series) WHERE p IS NOT NULL AND key IN s.starring RETURN ${ref('series', 's')} } AS items`;

/**
 * Takes the write lock of each stripe, in the given (sorted) order, before a write reads anything: a
 * concurrent write of the same stripes waits here until this one ends, then reads what it committed.
 */
export const LOCK_STRIPES = `// name: lockStripes
UNWIND $stripes AS stripe
MERGE (l:WriteLock {stripe: stripe})
SET l.writes = coalesce(l.writes, 0) + 1
RETURN count(l) AS locked`;

export const EVENT_PLACES = `// name: eventPlaces
CALL () {
  UNWIND $episodes AS episode
  MATCH (e:PlotEvent {seriesKey: episode.seriesKey, episodeNumber: episode.episodeNumber})
  RETURN e
  UNION
  UNWIND $keys AS key
  MATCH (e:PlotEvent {key: key})
  RETURN e
}
RETURN e.key AS key, e.seriesKey AS seriesKey, e.episodeNumber AS episodeNumber, e.sequence AS sequence`;

const deleteNodes = (name: string, label: string) => `// name: ${name}
UNWIND $keys AS key
MATCH (n:${label} {key: key})
DETACH DELETE n
RETURN collect(DISTINCT key) AS deleted`;

const deleteEdges = (name: string, type: string) => `// name: ${name}
UNWIND $keys AS key
MATCH ()-[r:${type} {key: key}]->()
DELETE r
RETURN collect(DISTINCT key) AS deleted`;

export const DELETE_EVENTS = deleteNodes('deleteEvents', 'PlotEvent');
export const DELETE_RELATIONSHIPS = deleteEdges('deleteRelationships', 'RELATES');
export const DELETE_CASTINGS = deleteEdges('deleteCastings', 'PLAYS');
export const DELETE_CREDITS = deleteEdges('deleteCredits', 'CREDITED');
export const DELETE_CHARACTERS = deleteNodes('deleteCharacters', 'Character');
export const DELETE_EPISODES = deleteNodes('deleteEpisodes', 'Episode');
export const DELETE_SERIES = deleteNodes('deleteSeries', 'Series');
export const DELETE_PEOPLE = deleteNodes('deletePeople', 'Person');
