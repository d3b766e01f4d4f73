import { z } from 'zod';
import type { PlotEventRecord, SeriesRecord } from '../../domain/records.js';
import { eventAsSeen, progressOf } from '../../domain/spoilers.js';
import { DEFAULT_PAGE_SIZE, decodeCursor, encodeCursor, toConnection } from '../../pagination.js';
import type { EventFilter, StoreReader } from '../../store/port.js';

interface PageArgs {
  first?: number | null;
  after?: string | null;
}

const seriesPosition = z.string().min(1);
const eventPosition = z.tuple([z.string().min(1), z.number().int().positive(), z.number().int().positive()]);

const eventCursor = (e: PlotEventRecord) => encodeCursor('event', [e.seriesKey, e.episodeNumber, e.sequence]);
const seriesCursor = (s: SeriesRecord) => encodeCursor('series', s.slug);

export async function seriesConnection(store: StoreReader, { first, after }: PageArgs) {
  const afterSlug = after == null ? null : decodeCursor('series', after, seriesPosition);
  const page = await store.listSeries({ first: first ?? DEFAULT_PAGE_SIZE, afterSlug });
  return toConnection(page, seriesCursor, afterSlug !== null);
}

export async function eventsConnection(store: StoreReader, filter: EventFilter, { first, after }: PageArgs) {
  const position = after == null ? null : decodeCursor('event', after, eventPosition);
  const page = await store.findEvents({
    filter,
    first: first ?? DEFAULT_PAGE_SIZE,
    after: position && { seriesKey: position[0], episodeNumber: position[1], sequence: position[2] },
  });
  const progress = progressOf(filter.visibleThrough ?? null);
  const seen = { ...page, items: page.items.map((e) => eventAsSeen(progress, e)) };
  return { ...toConnection(seen, eventCursor, position !== null), spoilersHidden: page.hiddenCount };
}
