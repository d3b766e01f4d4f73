import type { Neighbourhood } from '../../domain/paths.js';
import { SEARCH_TYPES, type Searchable } from '../../domain/search/keys.js';
import * as decode from './decode.js';
import type { Row } from './driver.js';
import { toNumber } from './values.js';

const props = (value: unknown): decode.Props[] => (Array.isArray(value) ? value : []) as decode.Props[];

/** A search candidate row: its type rank (SEARCH_TYPES order) and its property map. */
export function toSearchable(row: Row): Searchable {
  const item = row.item as decode.Props;
  switch (SEARCH_TYPES[toNumber(row.rank)]) {
    case 'series':
      return { type: 'series', record: decode.toSeries(item) };
    case 'episode':
      return { type: 'episode', record: decode.toEpisode(item) };
    case 'character':
      return { type: 'character', record: decode.toCharacter(item) };
    default:
      return { type: 'person', record: decode.toPerson(item) };
  }
}

export const toNeighbourhood = (row: Row | undefined): Neighbourhood => ({
  relationships: props(row?.relationships).map(decode.toRelationship),
  events: (Array.isArray(row?.events) ? (row.events as unknown[][]) : []).map(decode.toEvent),
  castings: props(row?.castings).map(decode.toCasting),
});
