import { Repeater } from 'graphql-yoga';
import type { ChangeEntry } from '../domain/change-log.js';
import type { Progress } from '../domain/spoilers.js';
import { ChangeCursorError } from '../errors.js';
import { type ChangeFeedFilter, readChanges } from '../reads/changes.js';
import { createLoaders } from '../reads/loaders.js';
import type { DramaStore } from '../store/port.js';
import type { ChangeSignal } from './signal.js';

/** What the subscription needs beside the store: the signal of new changes, and how often to poll without one. */
export interface ChangeFeed {
  signal: ChangeSignal;
  pollMs: number;
  /** Aborted when the process begins to drain: every stream then ends, so shutdown need not wait for clients. */
  closing?: AbortSignal;
}

/** Entries one read of the log takes; the stream reads again at once while there are more. */
const READ_SIZE = 100;

/**
 * Every change after `after` the viewer may see, in cursor order, then each new one as it is logged: read
 * from the log on every signal (and every `pollMs`), after the last cursor read. Visibility is decided
 * with fresh loaders per read, so what the viewer may see is judged against the story as it is then.
 */
export function changeStream(
  store: DramaStore,
  feed: ChangeFeed,
  after: number,
  filter: ChangeFeedFilter,
  progress: Progress,
): Repeater<ChangeEntry> {
  return new Repeater<ChangeEntry>(async (push, stop) => {
    let stopped = false;
    let signalled = false;
    let wake: () => void = () => undefined;
    const unlisten = feed.signal.listen(() => {
      signalled = true;
      wake();
    });
    // Ends a read of the log still going when the stream stops (a store-wide filter may read the whole log).
    const reading = new AbortController();
    void stop.then(() => {
      stopped = true;
      reading.abort();
      wake();
    });
    const end = () => stop();
    if (feed.closing?.aborted) stop();
    feed.closing?.addEventListener('abort', end, { once: true });
    let position = after;
    try {
      while (!stopped) {
        signalled = false;
        const loaders = createLoaders(store, progress);
        const page = await readChanges(
          store,
          position,
          filter,
          READ_SIZE,
          (c) => loaders.changeShown(c),
          reading.signal,
        ).catch((error: unknown) => {
          // A store that is away for a while ends no subscription: it reads again at the next poll.
          if (error instanceof ChangeCursorError) throw error;
          return { items: [], hasNextPage: false, through: position, hidden: 0 };
        });
        for (const item of page.items) {
          if (stopped) return;
          await push(item);
        }
        position = page.through;
        if (page.hasNextPage || signalled || stopped) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, feed.pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = () => undefined;
      }
    } catch (error) {
      stop(error);
    } finally {
      unlisten();
      feed.closing?.removeEventListener('abort', end);
    }
  });
}
