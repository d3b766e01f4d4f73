import type {
  CastingRecord,
  CharacterRecord,
  CreditRecord,
  EpisodeRecord,
  PlotEventRecord,
  RelationshipRecord,
  SeriesRecord,
} from '../../domain/records.js';
import { compareText } from '../../domain/text.js';
import { BILLING_RANK, CREDIT_ROLE_RANK } from '../../domain/vocabulary.js';
import type { EventPosition } from '../port.js';

const compareNumber = (a: number, b: number): number => a - b;

export const seriesOrder = (a: SeriesRecord, b: SeriesRecord): number =>
  compareText(a.slug, b.slug) || compareText(a.key, b.key);

export const episodeOrder = (a: EpisodeRecord, b: EpisodeRecord): number =>
  compareNumber(a.number, b.number) || compareText(a.key, b.key);

export const characterOrder = (a: CharacterRecord, b: CharacterRecord): number =>
  compareText(a.slug, b.slug) || compareText(a.key, b.key);

export const castingOrder = (a: CastingRecord, b: CastingRecord): number =>
  compareNumber(BILLING_RANK[a.billing], BILLING_RANK[b.billing]) ||
  compareText(a.personKey, b.personKey) ||
  compareText(a.characterKey, b.characterKey) ||
  compareText(a.key, b.key);

export const castingBySeriesOrder = (a: CastingRecord, b: CastingRecord): number =>
  compareText(a.seriesKey, b.seriesKey) || castingOrder(a, b);

export const creditOrder = (a: CreditRecord, b: CreditRecord): number =>
  compareNumber(CREDIT_ROLE_RANK[a.role], CREDIT_ROLE_RANK[b.role]) ||
  compareText(a.personKey, b.personKey) ||
  compareText(a.key, b.key);

export const creditBySeriesOrder = (a: CreditRecord, b: CreditRecord): number =>
  compareText(a.seriesKey, b.seriesKey) || creditOrder(a, b);

export const relationshipOrder = (a: RelationshipRecord, b: RelationshipRecord): number =>
  compareNumber(a.sinceEpisode ?? 0, b.sinceEpisode ?? 0) || compareText(a.key, b.key);

const comparePosition = (a: EventPosition, b: EventPosition): number =>
  compareText(a.seriesKey, b.seriesKey) ||
  compareNumber(a.episodeNumber, b.episodeNumber) ||
  compareNumber(a.sequence, b.sequence);

export const eventOrder = (a: PlotEventRecord, b: PlotEventRecord): number =>
  comparePosition(a, b) || compareText(a.key, b.key);

/** Index of the first item that sorts after `position` (items must be sorted by position). */
export function firstAfter(items: readonly EventPosition[], position: EventPosition): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (comparePosition(items[mid]!, position) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}
