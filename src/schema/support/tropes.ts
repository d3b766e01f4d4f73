import { recommend, type Recommendation, type RecommendationReason, type SeriesProfile } from '../../domain/recommendations.js';
import type { SeriesRecord } from '../../domain/records.js';
import { deriveTropes, TROPE_NAMES, type Trope } from '../../domain/tropes.js';
import type { Loaders } from '../../loaders.js';
import type { Progress } from '../../domain/spoilers.js';
import type { DramaStore } from '../../store/port.js';
import { profileCache } from './profile-cache.js';

const CATALOGUE_PAGE = 500;

/** The tropes of one series from what the viewer may see; loads batch across series. */
export async function tropesOf(loaders: Loaders, seriesKey: string): Promise<Trope[]> {
  const [characters, relationships, events] = await Promise.all([
    loaders.charactersBySeries.load(seriesKey),
    loaders.relationshipsOfSeries.load(seriesKey),
    loaders.eventsOfSeries.load(seriesKey),
  ]);
  return deriveTropes({ relationships, events, names: new Map(characters.map((c) => [c.key, c.name])) });
}

async function listCatalogue(store: DramaStore): Promise<SeriesRecord[]> {
  const all: SeriesRecord[] = [];
  for (let afterSlug: string | null = null; ; afterSlug = all.at(-1)!.slug) {
    const page = await store.listSeries({ first: CATALOGUE_PAGE, afterSlug });
    all.push(...page.items);
    if (!page.hasNextPage) return all;
  }
}

async function profileOf(loaders: Loaders, series: SeriesRecord): Promise<SeriesProfile> {
  const [tropes, castings, credits] = await Promise.all([
    tropesOf(loaders, series.key),
    loaders.castingsBySeries.load(series.key),
    loaders.creditsBySeries.load(series.key),
  ]);
  const people = new Set([...series.starring, ...castings.map((c) => c.personKey), ...credits.map((c) => c.personKey)]);
  return { seriesKey: series.key, slug: series.slug, tropes: tropes.map((t) => t.kind), people: [...people], genres: series.genres };
}

/** A series' profile as this viewer sees it: shared from the cache unless their progress cuts the series. */
function viewedProfile(store: DramaStore, loaders: Loaders, progress: Progress, series: SeriesRecord): Promise<SeriesProfile> {
  if (progress.has(series.key)) return profileOf(loaders, series);
  return profileCache.profile(store, series.key, () => profileOf(loaders, series));
}

/** The most recommendations a request may ask for: rankings are kept at this length and cut per request. */
const MOST_RECOMMENDATIONS = 20;

async function rankFor(
  store: DramaStore, loaders: Loaders, progress: Progress, series: SeriesRecord, first: number,
): Promise<Recommendation[]> {
  const catalogue = await profileCache.catalogue(store, () => listCatalogue(store));
  const profiles = await Promise.all(catalogue.map((s) => viewedProfile(store, loaders, progress, s)));
  const subject = profiles.find((p) => p.seriesKey === series.key) ?? (await profileOf(loaders, series));
  return recommend(subject, profiles, first);
}

/** A viewer with no progress sees what everyone does, so their ranking is shared until the store changes. */
export async function recommendationsOf(
  store: DramaStore, loaders: Loaders, progress: Progress, series: SeriesRecord, first: number,
): Promise<Recommendation[]> {
  if (progress.size > 0 || first > MOST_RECOMMENDATIONS) return rankFor(store, loaders, progress, series, first);
  const ranking = profileCache.ranking(store, series.key, () => rankFor(store, loaders, progress, series, MOST_RECOMMENDATIONS));
  return (await ranking).slice(0, first);
}

export async function reasonText(loaders: Loaders, reason: RecommendationReason): Promise<string> {
  if (reason.trope !== null) return `Also has ${TROPE_NAMES[reason.trope]}`;
  if (reason.personKey !== null) return `Also with ${(await loaders.person.load(reason.personKey))?.name ?? reason.personKey}`;
  return `Also ${reason.genre}`;
}
