import { z } from 'zod';
import { type Progress, visibleThrough } from '../domain/spoilers.js';
import { InvalidCursorError } from '../errors.js';
import { DEFAULT_PAGE_SIZE, decodeCursor } from '../pagination.js';
import { type EventFilter, type EventsPageRequest, NO_EVENT_FILTER } from '../store/port.js';

/** The `events` field's arguments as a client gives them. */
export interface EventsArgs {
  filter?: { [K in keyof EventFilter]?: EventFilter[K] | null | undefined } | null;
  first?: number | null;
  after?: string | null;
}

const eventPosition = z.tuple([z.string().min(1), z.number().int().positive(), z.number().int().positive()]);

const toStoreFilter = (f: EventsArgs['filter'], progress: Progress): EventFilter => ({
  series: f?.series ?? null,
  episode: f?.episode ?? null,
  kinds: f?.kinds ?? null,
  agent: f?.agent ?? null,
  target: f?.target ?? null,
  participant: f?.participant ?? null,
  outcome: f?.outcome ?? null,
  certainty: f?.certainty ?? null,
  visibleThrough: visibleThrough(progress),
});

const narrowsByContent = (f: EventFilter) =>
  f.kinds !== null ||
  f.agent !== null ||
  f.target !== null ||
  f.participant !== null ||
  f.outcome !== null ||
  f.certainty !== null;

/** The filter with only what places events in the story (series, episode), for counting what is hidden. */
const onlyPositions = (f: EventFilter): EventFilter => ({
  ...NO_EVENT_FILTER,
  series: f.series,
  episode: f.episode,
  visibleThrough: f.visibleThrough,
});

/**
 * The store request for one page of events; throws INVALID_CURSOR for a cursor this list did not issue: not an
 * event's, or the place of one outside the filter's series or episode (a cursor from another series' list paged
 * that series from its start, with no error; red team 56).
 */
function eventsPageRequest(filter: EventFilter, { first, after }: Pick<EventsArgs, 'first' | 'after'>) {
  const position = after == null ? null : decodeCursor('event', after, eventPosition);
  if (
    position !== null &&
    ((filter.series !== null && position[0] !== filter.series) ||
      (filter.episode !== null && position[1] !== filter.episode))
  )
    throw new InvalidCursorError(after!);
  return {
    filter,
    first: first ?? DEFAULT_PAGE_SIZE,
    after: position && { seriesKey: position[0], episodeNumber: position[1], sequence: position[2] },
  } satisfies EventsPageRequest;
}

/**
 * The pages the `events` field reads: the page asked for and, when the viewer's progress hides events and the
 * filter narrows by content, an empty page of the series and episode only, whose hidden count is the one shown.
 */
export function eventsFieldRequests(args: EventsArgs, progress: Progress) {
  const filter = toStoreFilter(args.filter, progress);
  const page = eventsPageRequest(filter, args);
  const counted =
    filter.visibleThrough?.length && narrowsByContent(filter)
      ? eventsPageRequest(onlyPositions(filter), { first: 0 })
      : null;
  return { page, counted };
}
