import { fold } from '../domain/search/fold.js';
import type { Searchable } from '../domain/search/keys.js';
import { type RankedHit, rankHits } from '../domain/search/score.js';
import type { StoreReader } from '../store/port.js';
import type { Loaders } from './loaders.js';

/** How many candidates a store hands the scorer at most, whatever `first` is. */
const MAX_CANDIDATES = 500;

export async function searchGraph(
  store: StoreReader,
  loaders: Loaders,
  args: { query: string; first: number },
): Promise<RankedHit[]> {
  const query = fold(args.query);
  const candidates = await store.searchCandidates({ query, limit: MAX_CANDIDATES });
  return rankHits(query, await metOnly(loaders, candidates), args.first);
}

/** Drops the characters the viewer has not met yet and the episodes after their progress: their names are spoilers too. */
async function metOnly(loaders: Loaders, candidates: Searchable[]): Promise<Searchable[]> {
  const met = await loaders.metAmong(candidates.flatMap((c) => (c.type === 'character' ? [c.record.key] : [])));
  return candidates.flatMap((c): Searchable[] => {
    if (c.type === 'episode') return loaders.episodeShown(c.record) ? [c] : [];
    if (c.type !== 'character') return [c];
    return met(c.record.key) ? [{ type: 'character', record: loaders.characterAsSeen(c.record) }] : [];
  });
}
