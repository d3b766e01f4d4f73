import { evidenceSizesOf } from '../domain/list-sizes.js';
import { profileOf } from '../domain/recommendations.js';
import type {
  CastingRecord,
  CreditRecord,
  PlotEventRecord,
  RelationshipRecord,
  SeriesRecord,
} from '../domain/records.js';
import { compareText } from '../domain/text.js';
import { deriveTropes, TROPE_EVENT_KINDS } from '../domain/tropes.js';
import type { DramaStore } from '../store/port.js';
import { type CatalogueEntry, CatalogueSnapshot } from './profile-cache.js';

const CATALOGUE_PAGE = 500;
/** Series per round of store calls: each round's transactions stay small however large the catalogue. */
export const PROFILE_CHUNK = 50;

async function listCatalogue(store: DramaStore): Promise<SeriesRecord[]> {
  const all: SeriesRecord[] = [];
  for (let afterSlug: string | null = null; ; afterSlug = all.at(-1)!.slug) {
    const page = await store.listSeries({ first: CATALOGUE_PAGE, afterSlug });
    all.push(...page.items);
    if (!page.hasNextPage) return all;
  }
}

interface SeriesFacts {
  relationships: RelationshipRecord[];
  events: PlotEventRecord[];
  castings: CastingRecord[];
  credits: CreditRecord[];
}

/** What profiles need of a few series, in one round: events only of the kinds that decide tropes. */
async function factsOf(store: DramaStore, keys: string[]): Promise<SeriesFacts[]> {
  const kinds = [...TROPE_EVENT_KINDS];
  const [relationships, events, castings, credits] = await Promise.all([
    store.relationshipsOfSeries(keys),
    store.eventsOfSeriesByKind(keys.map((seriesKey) => ({ seriesKey, kinds }))),
    store.castingsBySeries(keys),
    store.creditsBySeries(keys),
  ]);
  return keys.map((_key, i) => ({
    relationships: relationships[i]!,
    events: events[i]!,
    castings: castings[i]!,
    credits: credits[i]!,
  }));
}

function entryOf(series: SeriesRecord, facts: SeriesFacts): CatalogueEntry {
  const tropes = deriveTropes({ relationships: facts.relationships, events: facts.events, names: new Map() });
  const profile = profileOf(
    series,
    tropes.map((t) => t.kind),
    facts.castings,
    facts.credits,
  );
  return { series, profile, evidence: evidenceSizesOf(tropes) };
}

/** The profiles of these series, PROFILE_CHUNK series at a time, each chunk awaited before the next starts. */
async function entriesOf(store: DramaStore, series: readonly SeriesRecord[]): Promise<CatalogueEntry[]> {
  const entries: CatalogueEntry[] = [];
  for (let start = 0; start < series.length; start += PROFILE_CHUNK) {
    const chunk = series.slice(start, start + PROFILE_CHUNK);
    const facts = await factsOf(
      store,
      chunk.map((s) => s.key),
    );
    entries.push(...chunk.map((s, i) => entryOf(s, facts[i]!)));
  }
  return entries;
}

/** Every series' profile, in slug order (as the store lists them). */
export async function buildCatalogue(store: DramaStore): Promise<CatalogueSnapshot> {
  const position = store.journal.position;
  return new CatalogueSnapshot(await entriesOf(store, await listCatalogue(store)), position);
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
