import { z } from 'zod';
import type { PlotEventRecord, SeriesRecord } from '../../domain/records.js';
import { eventAsSeen, progressOf } from '../../domain/spoilers.js';
import { DEFAULT_PAGE_SIZE, decodeCursor, encodeCursor, toConnection } from '../../pagination.js';
import type { EventsPage, EventsPageRequest, StoreReader } from '../../store/port.js';

interface PageArgs {
  first?: number | null;
  after?: string | null;
}

const seriesPosition = z.string().min(1);

const eventCursor = (e: PlotEventRecord) => encodeCursor('event', [e.seriesKey, e.episodeNumber, e.sequence]);
const seriesCursor = (s: SeriesRecord) => encodeCursor('series', s.slug);

export async function seriesConnection(store: StoreReader, { first, after }: PageArgs) {
  const afterSlug = after == null ? null : decodeCursor('series', after, seriesPosition);
  const page = await store.listSeries({ first: first ?? DEFAULT_PAGE_SIZE, afterSlug });
  return toConnection(page, seriesCursor, afterSlug !== null);
}

/** A page of events as a connection, its events as the viewer knows them (the request's cut-offs decide). */
export function eventsConnection(request: EventsPageRequest, page: EventsPage) {
  const progress = progressOf(request.filter.visibleThrough ?? null);
  const seen = { ...page, items: page.items.map((e) => eventAsSeen(progress, e)) };
  return { ...toConnection(seen, eventCursor, request.after !== null), spoilersHidden: page.hiddenCount };
}
