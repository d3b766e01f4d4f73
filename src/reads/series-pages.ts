import { z } from 'zod';
import { DEFAULT_PAGE_SIZE, decodeCursor } from '../pagination.js';
import type { SeriesPageRequest } from '../store/port.js';

/** The `allSeries` field's arguments as a client gives them. */
export interface SeriesPageArgs {
  first?: number | null;
  after?: string | null;
}

const seriesPosition = z.string().min(1);

/** The listSeries request of an `allSeries` page; a cursor that is not one of ours throws the field's coded error. */
export const seriesPageRequest = ({ first, after }: SeriesPageArgs): SeriesPageRequest => ({
  first: first ?? DEFAULT_PAGE_SIZE,
  afterSlug: after == null ? null : decodeCursor('series', after, seriesPosition),
});
