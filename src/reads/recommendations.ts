import {
  profileOf,
  type Recommendation,
  type RecommendationReason,
  recommend,
  type SeriesProfile,
} from '../domain/recommendations.js';
import type { SeriesRecord } from '../domain/records.js';
import { cutAfter, type Progress } from '../domain/spoilers.js';
import { TROPE_NAMES } from '../domain/tropes.js';
import { StoryTooLargeError } from '../errors.js';
import type { DramaStore } from '../store/port.js';
import { buildCatalogue, updateCatalogue } from './catalogue-profiles.js';
import { createLoaders, type Loaders } from './loaders.js';
import { type CatalogueSnapshot, profileCache } from './profile-cache.js';

/** A series' profile from what the loaders' viewer may see: its tropes from its story as every viewer shares it. */
async function viewedProfile(loaders: Loaders, series: SeriesRecord): Promise<SeriesProfile> {
  const [tropes, castings, credits] = await Promise.all([
    loaders.derivedTropes(series.key).then((found) => found.map((t) => t.kind)),
    loaders.castingsBySeries.load(series.key),
    loaders.creditsBySeries.load(series.key),
  ]);
  return profileOf(series, tropes, castings, credits);
}

/** The most recommendations a request may ask for: rankings are kept at this length and cut per request. */
export const MOST_RECOMMENDATIONS = 20;

/**
 * A series' profile as a viewer who has watched through `episode` (not its last) sees it: derived once per episode
 * while the snapshot lasts, by the same loaders and rules as any read (red team 41: each request derived its own,
 * reading every event of the series, and 40 at once ran the heap out). A few are derived at a time, which bounds
 * their memory (see deriving).
 */
function viewedAt(
  store: DramaStore,
  snapshot: CatalogueSnapshot,
  series: SeriesRecord,
  episode: number,
  loaders: Loaders,
) {
  return loaders.aside(
    snapshot.viewed(series.key, episode, {
      client: loaders.client,
      signal: loaders.answered(),
      work: () => viewedProfile(createLoaders(store, new Map([[series.key, episode]])), series),
    }),
  );
}

const leftOutIfTooLarge = (error: unknown): null => {
  if (error instanceof StoryTooLargeError) return null;
  throw error;
};

/** Ranks against the shared profiles, except those this viewer's progress cuts, which are derived for that progress. */
async function rankFor(
  store: DramaStore,
  snapshot: CatalogueSnapshot,
  loaders: Loaders,
  progress: Progress,
  series: SeriesRecord,
  first: number,
): Promise<Recommendation[]> {
  // A series the viewer's progress cuts whose story is too large to work out is left out of the ranking: progress
  // sent for it made every series' recommendations fail (red team 48). As the subject, it is refused.
  const profiles = await Promise.all(
    snapshot.entries.map((e) => {
      const episode = cutAfter(progress, e.series);
      if (episode === null) return e.profile;
      const viewed = viewedAt(store, snapshot, e.series, episode, loaders);
      return e.series.key === series.key ? viewed : viewed.catch(leftOutIfTooLarge);
    }),
  );
  const ranked = profiles.filter((p): p is SeriesProfile => p !== null);
  const subject = ranked.find((p) => p.seriesKey === series.key) ?? (await viewedProfile(loaders, series));
  return recommend(subject, ranked, first);
}

const builders = new WeakMap<DramaStore, (store: DramaStore) => Promise<CatalogueSnapshot>>();

/** Builds this store's full catalogue with `builder` (e.g. shared through Redis) instead of reading it all here. */
export function buildCatalogueWith(
  store: DramaStore,
  builder: (store: DramaStore) => Promise<CatalogueSnapshot>,
): void {
  builders.set(store, builder);
}

/** The profiles of the store's catalogue as of its state: built once, then updated after this process's (and announced) writes. */
export function catalogueOf(store: DramaStore): Promise<CatalogueSnapshot> {
  return profileCache.get(
    store,
    () => (builders.get(store) ?? buildCatalogue)(store),
    (previous) => updateCatalogue(store, previous),
  );
}

/** A viewer with no progress sees what everyone does, so their ranking is shared while the snapshot is. */
export async function recommendationsOf(
  store: DramaStore,
  loaders: Loaders,
  progress: Progress,
  series: SeriesRecord,
  first: number,
): Promise<Recommendation[]> {
  const snapshot = await catalogueOf(store);
  if (progress.size > 0 || first > MOST_RECOMMENDATIONS)
    return rankFor(store, snapshot, loaders, progress, series, first);
  const ranking = snapshot.ranking(series.key, () =>
    rankFor(store, snapshot, loaders, progress, series, MOST_RECOMMENDATIONS),
  );
  return (await ranking).slice(0, first);
}

export async function reasonText(loaders: Loaders, reason: RecommendationReason): Promise<string> {
  if (reason.trope !== null) return `Also has ${TROPE_NAMES[reason.trope]}`;
  if (reason.personKey !== null)
    return `Also with ${(await loaders.person.load(reason.personKey))?.name ?? reason.personKey}`;
  return `Also ${reason.genre}`;
}
