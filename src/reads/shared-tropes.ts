import { LRUCache } from 'lru-cache';
import type { SeriesRecord } from '../domain/records.js';
import { cutAfter, type Progress } from '../domain/spoilers.js';
import type { Trope } from '../domain/tropes.js';
import type { SharedWork } from '../queueing/shared-work.js';
import type { StoreVersion } from '../store/port.js';
import { deriving } from './derivations.js';
import { StateCache } from './state-cache.js';

/** Evidence events (and tropes) the shared tropes keep in all; a series whose tropes hold more is not kept. */
const KEPT_SIZE = 20_000;
const sizeOf = (tropes: Trope[]) => 1 + tropes.reduce((n, t) => n + 1 + t.evidence.length, 0);

interface Kept {
  done: LRUCache<string, Trope[]>;
  /** The derivation working each out, with the series it derives (the i-th answer is the i-th's). */
  working: Map<string, { work: SharedWork<Trope[][]>; seriesKeys: string[] }>;
}

/** Per store state: the tropes worked out so far, and those being worked out, by `<episode or all>@<series>`. */
const kept = new StateCache<Kept>();

/**
 * The tropes of each series as every viewer with this `progress` for it sees them (none, or at or past its last
 * episode: all of them), worked out by `derive` (with the request's loaders, so a request's series are read
 * together) once while the store's state lasts, a request's at a time and a few requests at a time (see
 * deriving). Each request worked out its own from every event of the series, 0.2 s and its events' memory apiece
 * on one of 20,000 events (red team 41).
 */
export async function sharedTropes(
  store: Pick<StoreVersion, 'stateTag' | 'dataVersion'>,
  series: readonly SeriesRecord[],
  progress: Progress,
  derive: (seriesKeys: string[]) => Promise<Trope[][]>,
  client = 'local',
  signal?: AbortSignal,
): Promise<Trope[][]> {
  const { done, working } = await kept.get(store, async () => ({
    done: new LRUCache<string, Trope[]>({ maxSize: KEPT_SIZE, sizeCalculation: sizeOf }),
    working: new Map(),
  }));
  const keyOf = (s: SeriesRecord) => `${cutAfter(progress, s) ?? 'all'}@${s.key}`;
  const answers = new Map<SharedWork<Trope[][]>, Promise<Trope[][]>>();
  const answerOf = (work: SharedWork<Trope[][]>, seriesKeys: string[]) => {
    let answer = answers.get(work);
    if (answer === undefined) {
      answer = work.join({ client, signal, work: () => derive(seriesKeys) });
      answers.set(work, answer);
    }
    return answer;
  };
  const missing = series.filter((s) => done.get(keyOf(s)) === undefined && !working.has(keyOf(s)));
  if (missing.length > 0) {
    const seriesKeys = missing.map((s) => s.key);
    const { work, answer } = deriving({ client, signal, work: () => derive(seriesKeys) });
    answers.set(work, answer);
    missing.forEach((s, i) => {
      const key = keyOf(s);
      const shared = { work, seriesKeys };
      working.set(key, shared);
      work.result
        .then(
          (lists) => done.set(key, lists[i]!),
          () => undefined,
        )
        .finally(() => {
          if (working.get(key) === shared) working.delete(key);
        });
    });
  }
  return Promise.all(
    series.map(async (s) => {
      const key = keyOf(s);
      const found = done.get(key);
      if (found !== undefined) return found;
      const { work, seriesKeys } = working.get(key)!;
      return (await answerOf(work, seriesKeys))[seriesKeys.indexOf(s.key)]!;
    }),
  );
}
