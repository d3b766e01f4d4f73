import type { SeriesRecord } from '../domain/records.js';
import { summaryProfile } from '../domain/series-summary.js';
import { compareText } from '../domain/text.js';
import type { DramaStore } from '../store/port.js';
import { type CatalogueEntry, CatalogueSnapshot } from './profile-cache.js';

const CATALOGUE_PAGE = 500;
/** Series per seriesSummaries call: each call stays small however large the catalogue. */
export const PROFILE_CHUNK = 50;

/** The entries of these series, from the summaries the store keeps; a series gone meanwhile drops out. */
async function entriesOf(store: DramaStore, series: readonly SeriesRecord[]): Promise<CatalogueEntry[]> {
  const entries: CatalogueEntry[] = [];
  for (let start = 0; start < series.length; start += PROFILE_CHUNK) {
    const chunk = series.slice(start, start + PROFILE_CHUNK);
    const summaries = await store.seriesSummaries(chunk.map((s) => s.key));
    chunk.forEach((s, i) => {
      const summary = summaries[i];
      if (summary) entries.push({ series: s, profile: summaryProfile(s, summary), evidence: summary.evidence });
    });
  }
  return entries;
}

/** Every series' profile, in slug order (as the store lists them), a page of series at a time. */
export async function buildCatalogue(store: DramaStore): Promise<CatalogueSnapshot> {
  const position = store.journal.position;
  const entries: CatalogueEntry[] = [];
  for (let afterSlug: string | null = null; ; ) {
    const page = await store.listSeries({ first: CATALOGUE_PAGE, afterSlug });
    entries.push(...(await entriesOf(store, page.items)));
    if (!page.hasNextPage || page.items.length === 0) break;
    afterSlug = page.items.at(-1)!.slug;
  }
  return new CatalogueSnapshot(entries, position);
}

const bySlug = (a: CatalogueEntry, b: CatalogueEntry): number => compareText(a.series.slug, b.series.slug);

/**
 * `previous` brought up to date with this process's writes since it was read: the profiles of the series
 * those touched are read again (a deleted series drops out, a new one comes in), the others are kept.
 * When the journal cannot say which series (an import, a wipe), everything is built again.
 */
export async function updateCatalogue(store: DramaStore, previous: CatalogueSnapshot): Promise<CatalogueSnapshot> {
  const position = store.journal.position;
  const touched = store.journal.since(previous.position);
  if (touched === null) return buildCatalogue(store);
  if (touched.size === 0) return previous;
  const series = (await store.seriesByKeys([...touched])).filter((s): s is SeriesRecord => s !== null);
  const kept = previous.entries.filter((e) => !touched.has(e.series.key));
  return new CatalogueSnapshot([...kept, ...(await entriesOf(store, series))].sort(bySlug), position);
}
