import { LRUCache } from 'lru-cache';
import { type EvidenceSizes, largestEvidence } from '../domain/list-sizes.js';
import type { Recommendation, SeriesProfile } from '../domain/recommendations.js';
import type { SeriesRecord } from '../domain/records.js';
import type { Asker, SharedWork } from '../queueing/shared-work.js';
import { deriving } from './derivations.js';
import { StateCache } from './state-cache.js';

/** Profiles derived for a viewer's progress that one snapshot keeps (each a few hundred bytes). */
const VIEWED_KEPT = 2_000;

/** A series of the catalogue and its profile as a viewer with no progress sees it. */
export interface CatalogueEntry {
  series: SeriesRecord;
  profile: SeriesProfile;
  /** How long the lists of its tropes are, for the cost limit. */
  evidence: EvidenceSizes;
}

/**
 * The whole catalogue's profiles as of one store state, and the rankings derived from them. Only what a
 * viewer's progress does not cut is kept, so every viewer may share it.
 */
export class CatalogueSnapshot {
  private readonly rankings = new Map<string, Promise<Recommendation[]>>();
  private readonly viewedProfiles = new LRUCache<string, SharedWork<SeriesProfile>>({ max: VIEWED_KEPT });

  /** `position`: the store journal's position before the profiles were read; later writes may be missing. */
  constructor(
    readonly entries: readonly CatalogueEntry[],
    readonly position: number,
  ) {}

  private largest: EvidenceSizes | null = null;

  private evidenceBySlug: Map<string, EvidenceSizes> | null = null;

  /** How long one series' trope lists are, by its slug; undefined for a series this snapshot does not hold. */
  evidenceOf(slug: string): EvidenceSizes | undefined {
    this.evidenceBySlug ??= new Map(this.entries.map((e) => [e.series.slug, e.evidence]));
    return this.evidenceBySlug.get(slug);
  }

  /** The longest trope lists of any series. */
  evidenceSizes(): EvidenceSizes {
    this.largest ??= largestEvidence(this.entries.map((e) => e.evidence));
    return this.largest;
  }

  /** The best recommendations for a series as a viewer with no progress sees them; a failed ranking is forgotten. */
  ranking(seriesKey: string, rank: () => Promise<Recommendation[]>): Promise<Recommendation[]> {
    return keptOnce<Recommendation[]>(this.rankings, seriesKey, rank);
  }

  /**
   * A series' profile as every viewer who has watched through `episode` sees it, derived once (see deriving) for
   * all who ask while it is worked out; a failed one is forgotten.
   */
  viewed(seriesKey: string, episode: number, asker: Asker<SeriesProfile>): Promise<SeriesProfile> {
    const key = `${episode}@${seriesKey}`;
    const found = this.viewedProfiles.get(key);
    if (found !== undefined) return found.join(asker);
    const { work, answer } = deriving(asker);
    this.viewedProfiles.set(key, work);
    work.result.catch(() => {
      if (this.viewedProfiles.get(key) === work) this.viewedProfiles.delete(key);
    });
    return answer;
  }
}

/** The promise `cache` keeps for `key`, made once by `make`; one that fails is forgotten, so the next ask makes another. */
function keptOnce<T>(
  cache: {
    get(key: string): Promise<T> | undefined;
    set(key: string, value: Promise<T>): unknown;
    delete(key: string): unknown;
  },
  key: string,
  make: () => Promise<T>,
): Promise<T> {
  const found = cache.get(key);
  if (found !== undefined) return found;
  const made = make();
  made.catch(() => {
    if (cache.get(key) === made) cache.delete(key);
  });
  cache.set(key, made);
  return made;
}

/** Per store: the catalogue snapshot for its state (see StateCache for when it is rebuilt, or updated after a write). */
export const profileCache = new StateCache<CatalogueSnapshot>();
