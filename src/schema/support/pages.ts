import type { PlotEventRecord, SeriesRecord } from '../../domain/records.js';
import { eventAsSeen, progressOf } from '../../domain/spoilers.js';
import { encodeCursor, toConnection } from '../../pagination.js';
import { type SeriesPageArgs, seriesPageRequest } from '../../reads/series-pages.js';
import type { EventsPage, EventsPageRequest, Page, SeriesPageRequest } from '../../store/port.js';

const eventCursor = (e: PlotEventRecord) => encodeCursor('event', [e.seriesKey, e.episodeNumber, e.sequence]);
const seriesCursor = (s: SeriesRecord) => encodeCursor('series', s.slug);

/** A page of `allSeries` as a connection, read through the request's loader of series pages. */
export async function seriesConnection(
  pages: { load(request: SeriesPageRequest): Promise<Page<SeriesRecord>> },
  args: SeriesPageArgs,
) {
  const request = seriesPageRequest(args);
  return toConnection(await pages.load(request), seriesCursor, request.afterSlug !== null);
}

/** A page of events as a connection, its events as the viewer knows them (the request's cut-offs decide). */
export function eventsConnection(request: EventsPageRequest, page: EventsPage) {
  const progress = progressOf(request.filter.visibleThrough ?? null);
  const seen = { ...page, items: page.items.map((e) => eventAsSeen(progress, e)) };
  return { ...toConnection(seen, eventCursor, request.after !== null), spoilersHidden: page.hiddenCount };
}
