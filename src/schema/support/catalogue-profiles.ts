import { profileOf } from '../../domain/recommendations.js';
import type { CastingRecord, CreditRecord, PlotEventRecord, RelationshipRecord, SeriesRecord } from '../../domain/records.js';
import { deriveTropes, TROPE_EVENT_KINDS } from '../../domain/tropes.js';
import type { DramaStore } from '../../store/port.js';
import { CatalogueSnapshot, type CatalogueEntry } from './profile-cache.js';

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
  return keys.map((_key, i) => ({ relationships: relationships[i]!, events: events[i]!, castings: castings[i]!, credits: credits[i]! }));
}

function entryOf(series: SeriesRecord, facts: SeriesFacts): CatalogueEntry {
  const tropes = deriveTropes({ relationships: facts.relationships, events: facts.events, names: new Map() }).map((t) => t.kind);
  return { series, profile: profileOf(series, tropes, facts.castings, facts.credits) };
}

/** Every series' profile, PROFILE_CHUNK series at a time, each chunk awaited before the next starts. */
export async function buildCatalogue(store: DramaStore): Promise<CatalogueSnapshot> {
  const entries: CatalogueEntry[] = [];
  const catalogue = await listCatalogue(store);
  for (let start = 0; start < catalogue.length; start += PROFILE_CHUNK) {
    const chunk = catalogue.slice(start, start + PROFILE_CHUNK);
    const facts = await factsOf(store, chunk.map((s) => s.key));
    entries.push(...chunk.map((series, i) => entryOf(series, facts[i]!)));
  }
  return new CatalogueSnapshot(entries);
}
