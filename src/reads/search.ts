import { fold } from '../domain/search/fold.js';
import { type RankedHit, rankHits } from '../domain/search/score.js';
import type { StoreReader } from '../store/port.js';

/** How many candidates a store hands the scorer at most, whatever `first` is. */
const MAX_CANDIDATES = 500;

export async function searchGraph(store: StoreReader, args: { query: string; first: number }): Promise<RankedHit[]> {
  const query = fold(args.query);
  return rankHits(query, await store.searchCandidates({ query, limit: MAX_CANDIDATES }), args.first);
}
