import type { Neighbourhood } from '../../domain/paths.js';
import { SEARCH_TYPES, type Searchable } from '../../domain/search/keys.js';
import type { Row } from './driver.js';
import * as M from './decode.js';
import { toNumber } from './values.js';

const props = (value: unknown): M.Props[] => (Array.isArray(value) ? value : []) as M.Props[];

/** A search candidate row: its type rank (SEARCH_TYPES order) and its property map. */
export function toSearchable(row: Row): Searchable {
  const item = row.item as M.Props;
  switch (SEARCH_TYPES[toNumber(row.rank)]) {
    case 'series':
      return { type: 'series', record: M.toSeries(item) };
    case 'episode':
      return { type: 'episode', record: M.toEpisode(item) };
    case 'character':
      return { type: 'character', record: M.toCharacter(item) };
    default:
      return { type: 'person', record: M.toPerson(item) };
  }
}

export const toNeighbourhood = (row: Row | undefined): Neighbourhood => ({
  relationships: props(row?.relationships).map(M.toRelationship),
  events: (Array.isArray(row?.events) ? (row.events as unknown[][]) : []).map(M.toEvent),
  castings: props(row?.castings).map(M.toCasting),
});
