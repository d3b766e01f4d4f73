import { slugOf } from '../../domain/keys.js';
import type { PlotEventRecord, RelationshipRecord, SeriesRecord } from '../../domain/records.js';
import { eventVisible, progressOf } from '../../domain/spoilers.js';
import { compareText } from '../../domain/text.js';
import type { ParticipantRole, PlotEventKind } from '../../domain/vocabulary.js';
import type { EventFilter, EventPosition, EventsPage, EventsPageRequest, Page, SeriesPageRequest } from '../port.js';
import { firstAfter } from './order.js';

export function holdsAt(relationship: RelationshipRecord, asOfEpisode: number | null): boolean {
  const { sinceEpisode: since, untilEpisode: until } = relationship;
  if (asOfEpisode === null) return until === null;
  return (since === null || since <= asOfEpisode) && (until === null || until > asOfEpisode);
}

export const ofKinds = (event: PlotEventRecord, kinds: readonly PlotEventKind[] | null): boolean =>
  kinds === null || kinds.includes(event.kind);

export const takesPart = (event: PlotEventRecord, characterKey: string, role: ParticipantRole | null): boolean =>
  event.participants.some((p) => p.characterKey === characterKey && (role === null || p.role === role));

const slugIs = (key: string | null, slug: string | null): boolean =>
  slug === null || (key !== null && slugOf(key) === slug);

export function matchesFilter(event: PlotEventRecord, filter: EventFilter): boolean {
  return (
    (filter.series === null || event.seriesKey === filter.series) &&
    (filter.episode === null || event.episodeNumber === filter.episode) &&
    ofKinds(event, filter.kinds) &&
    (filter.outcome === null || event.outcome === filter.outcome) &&
    slugIs(event.agentKey, filter.agent) &&
    slugIs(event.targetKey, filter.target) &&
    (filter.participant === null || event.participants.some((p) => slugOf(p.characterKey) === filter.participant))
  );
}

/** The position-ordered events findEvents starts from: every event, or those of one slug in one role. */
export interface EventAnchors {
  all(): readonly PlotEventRecord[];
  byAgent(slug: string): readonly PlotEventRecord[];
  byTarget(slug: string): readonly PlotEventRecord[];
  byParticipant(slug: string): readonly PlotEventRecord[];
}

/** The smallest anchored list the filter's character slugs allow, else every event. */
function anchored(anchors: EventAnchors, filter: EventFilter): readonly PlotEventRecord[] {
  const lists = [
    filter.agent === null ? null : anchors.byAgent(filter.agent),
    filter.target === null ? null : anchors.byTarget(filter.target),
    filter.participant === null ? null : anchors.byParticipant(filter.participant),
  ].filter((list) => list !== null);
  return lists.reduce((small, list) => (list.length < small.length ? list : small), lists[0] ?? anchors.all());
}

/** The slice of the position-ordered events that can match: one series' run when the filter names a series. */
function candidates(anchors: EventAnchors, filter: EventFilter): readonly PlotEventRecord[] {
  if (filter.series === null) return anchored(anchors, filter);
  const events = anchors.all();
  const before = (episodeNumber: number): EventPosition => ({
    seriesKey: filter.series!,
    episodeNumber,
    sequence: -Infinity,
  });
  const start = firstAfter(events, before(filter.episode ?? -Infinity));
  const end = firstAfter(events, before(filter.episode === null ? Infinity : filter.episode + 1));
  return events.slice(start, end);
}

const MAX_MEMOISED_TOTALS = 1000;

type Match = (event: PlotEventRecord) => boolean;

function matcher(filter: EventFilter): Match {
  const progress = progressOf(filter.visibleThrough);
  return (event) => matchesFilter(event, filter) && eventVisible(progress, event);
}

function memoisedTotal(events: readonly PlotEventRecord[], filter: EventFilter, totals: Map<string, number>): number {
  const key = JSON.stringify(filter);
  let total = totals.get(key);
  if (total === undefined) {
    if (totals.size >= MAX_MEMOISED_TOTALS) totals.clear();
    const matches = matcher(filter);
    total = events.reduce((n, event) => (matches(event) ? n + 1 : n), 0);
    totals.set(key, total);
  }
  return total;
}

/**
 * One page of events in position order. `totals` memoises the count of all matches per filter,
 * so that paging on does not rescan from the beginning.
 */
export function eventsPage(anchors: EventAnchors, request: EventsPageRequest, totals: Map<string, number>): EventsPage {
  const { filter, first, after } = request;
  const range = candidates(anchors, filter);
  const totalCount = memoisedTotal(range, filter, totals);
  const hiddenCount = memoisedTotal(range, { ...filter, visibleThrough: null }, totals) - totalCount;
  const matches = matcher(filter);
  const items: PlotEventRecord[] = [];
  for (let i = after === null ? 0 : firstAfter(range, after); i < range.length; i++) {
    const event = range[i]!;
    if (!matches(event)) continue;
    if (items.length === first) return { items, hasNextPage: true, totalCount, hiddenCount };
    items.push(event);
  }
  return { items, hasNextPage: false, totalCount, hiddenCount };
}

export function seriesPage(series: readonly SeriesRecord[], request: SeriesPageRequest): Page<SeriesRecord> {
  const { first, afterSlug } = request;
  const start = afterSlug === null ? 0 : series.findIndex((s) => compareText(s.slug, afterSlug) > 0);
  const rest = start === -1 ? [] : series.slice(start);
  return { items: rest.slice(0, first), hasNextPage: rest.length > first, totalCount: series.length };
}
