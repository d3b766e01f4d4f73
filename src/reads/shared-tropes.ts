import { getHeapStatistics } from 'node:v8';
import { LRUCache } from 'lru-cache';
import type { SeriesRecord } from '../domain/records.js';
import { cutAfter, type Progress } from '../domain/spoilers.js';
import type { Trope } from '../domain/tropes.js';
import type { SharedWork } from '../queueing/shared-work.js';
import { deriving } from './derivations.js';
import { afterWrites, carryOver, type Journaled, type LeftByWrites, StateCache } from './state-cache.js';

/** About how many bytes of heap one kept evidence entry takes (measured 250 to 380 B on crafted series). */
const EVIDENCE_BYTES = 400;

/**
 * Evidence entries (and tropes) the shared tropes keep in all, about a sixteenth of the heap (some 115,000 with a
 * 512 MB old space); a series whose tropes hold more is not kept. With 400,000 kept, a flood over a few crafted
 * 30,000-event series ran the heap out (red team 48).
 */
const KEPT_SIZE = Math.floor(getHeapStatistics().heap_size_limit / 16 / EVIDENCE_BYTES);
const sizeOf = (tropes: Trope[]) => 1 + tropes.reduce((n, t) => n + 1 + t.evidence.length, 0);

interface Kept {
  /** The store journal's position before any of these was worked out. */
  position: number;
  done: LRUCache<string, Trope[]>;
  working: Map<string, SharedWork<Trope[]>>;
}

/** Per store state: the tropes worked out so far, and those being worked out, by `<episode or all>@<series>`. */
const kept = new StateCache<Kept>();

const seriesOfKey = (key: string): string => key.slice(key.indexOf('@') + 1);

/** New tropes kept for the store's state: after a write, those of the series it did not touch stay (see seriesStory). */
function keptOf(store: Journaled, left?: LeftByWrites<Kept>): Kept {
  const next: Kept = {
    position: store.journal.position,
    done: new LRUCache<string, Trope[]>({ maxSize: KEPT_SIZE, sizeCalculation: sizeOf }),
    working: new Map(),
  };
  if (left !== undefined) carryOver(left.previous.done, next.done, (key) => left.untouched(seriesOfKey(key)));
  return next;
}

/**
 * The tropes of each series as every viewer with this `progress` for it sees them (none, or at or past its last
 * episode: all of them), worked out by `derive` once while the store's state lasts, a few at a time (see
 * deriving). Each series is a derivation of its own, shared by every request that asks for it while it is worked
 * out: a request of seven aliases derived its seven as one, and another client's request waited behind all of
 * them (red team 44). Each request worked out its own from every event of the series, 0.2 s and its events'
 * memory apiece on one of 20,000 events (red team 41).
 */
export async function sharedTropes(
  store: Journaled,
  series: readonly SeriesRecord[],
  progress: Progress,
  derive: (seriesKey: string) => Promise<Trope[]>,
  client = 'local',
  signal?: AbortSignal,
  aside: <T>(wait: Promise<T>) => Promise<T> = (wait) => wait,
): Promise<Trope[][]> {
  const { done, working } = await kept.get(
    store,
    async () => keptOf(store),
    afterWrites(store, (left) => keptOf(store, left)),
  );
  return Promise.all(
    series.map((s) => {
      const key = `${cutAfter(progress, s) ?? 'all'}@${s.key}`;
      const found = done.get(key);
      if (found !== undefined) return found;
      const asker = { client, signal, work: () => derive(s.key) };
      const shared = working.get(key);
      if (shared !== undefined) return aside(shared.join(asker));
      const { work, answer } = deriving(asker);
      working.set(key, work);
      work.result
        .then(
          (tropes) => done.set(key, tropes),
          () => undefined,
        )
        .finally(() => {
          if (working.get(key) === work) working.delete(key);
        });
      return aside(answer);
    }),
  );
}
