import type { EventFilter } from '../port.js';
import { eventRow, shownThrough } from './cypher-read.js';

/* findEvents: one query text per combination of filters, anchored on the most selective indexed one. */

type Filter = Exclude<keyof EventFilter, 'visibleThrough'>;

const PREDICATES: Record<Filter, string> = {
  series: 'e.seriesKey = $series',
  episode: 'e.episodeNumber = $episode',
  kinds: 'e.kind IN $kinds',
  outcome: 'e.outcome = $outcome',
  certainty: "coalesce(e.certainty, 'STATED') = $certainty",
  agent: "e.agentKey = e.seriesKey + '/' + $agent",
  target: "e.targetKey = e.seriesKey + '/' + $target",
  participant: 'EXISTS { MATCH (:Character {slug: $participant})-[:PARTICIPATES]->(e) }',
};

interface Anchor {
  name: string;
  needs: Filter[];
  match: string;
  /** Filters the match itself decides exactly, so no WHERE repeats them. */
  covers: Filter[];
}

/** Candidate sets, most selective first; each holds every event its filters match (the WHERE then decides). */
const ANCHORS: Anchor[] = [
  {
    name: 'Episode',
    needs: ['series', 'episode'],
    covers: [],
    match: 'MATCH (:Episode {seriesKey: $series, number: $episode})<-[:IN_EPISODE]-(e:PlotEvent)',
  },
  {
    name: 'Series',
    needs: ['series'],
    covers: [],
    match: 'MATCH (:Series {key: $series})<-[:OF_SERIES]-(:Episode)<-[:IN_EPISODE]-(e:PlotEvent)',
  },
  {
    name: 'Participant',
    needs: ['participant'],
    covers: ['participant'],
    match: 'MATCH (:Character {slug: $participant})-[:PARTICIPATES]->(e:PlotEvent)\nWITH DISTINCT e',
  },
  {
    name: 'Agent',
    needs: ['agent'],
    covers: [],
    match: 'MATCH (c:Character {slug: $agent})\nWITH c.key AS agentKey\nMATCH (e:PlotEvent {agentKey: agentKey})',
  },
  {
    name: 'Target',
    needs: ['target'],
    covers: [],
    match: 'MATCH (c:Character {slug: $target})\nWITH c.key AS targetKey\nMATCH (e:PlotEvent {targetKey: targetKey})',
  },
  { name: 'Scan', needs: [], covers: [], match: 'MATCH (e:PlotEvent)' },
];

const FILTERS = Object.keys(PREDICATES) as Filter[];

const PAGE = `WITH e, ${shownThrough('e')} AS visible
WITH e, visible ORDER BY e.seriesKey, e.episodeNumber, e.sequence
WITH count(e) AS counted, collect(CASE WHEN visible THEN e END) AS matched
WITH size(matched) AS total, counted - size(matched) AS hidden, [x IN matched WHERE $after IS NULL
  OR x.seriesKey > $after.seriesKey
  OR (x.seriesKey = $after.seriesKey AND (x.episodeNumber > $after.episodeNumber
    OR (x.episodeNumber = $after.episodeNumber AND x.sequence > $after.sequence)))][0..$limit] AS page
RETURN total, hidden, [x IN page | ${eventRow('x')}] AS items`;

const cache = new Map<string, string>();

function build(active: Filter[]): string {
  const anchor = ANCHORS.find((a) => a.needs.every((f) => active.includes(f)))!;
  const where = active.filter((f) => !anchor.covers.includes(f)).map((f) => PREDICATES[f]);
  const filter = where.length === 0 ? '' : `\nWHERE ${where.join('\n  AND ')}`;
  return `// name: findEvents${anchor.name}\n${anchor.match}${filter}\n${PAGE}`;
}

/** The findEvents query for the filters that are set; its parameters are the filter, `after` and `limit`. */
export function findEventsQuery(filter: EventFilter): string {
  const active = FILTERS.filter((f) => filter[f] !== null);
  const id = active.join(',');
  const cached = cache.get(id);
  if (cached !== undefined) return cached;
  const cypher = build(active);
  cache.set(id, cypher);
  return cypher;
}
