import { SeriesJournal } from './journal.js';
import type { DramaStore, StateTag, WriteJournal } from './port.js';

/** Positions of the merged journal remembered at once; an older one reads as "may have touched any". */
const KEPT_POSITIONS = 1_000;

/**
 * This process's journal and the one of writes other processes announced, read as one: a position names
 * a pair of positions, remembered for the last KEPT_POSITIONS positions handed out.
 */
class MergedJournal implements WriteJournal {
  private readonly pairs = new Map<number, readonly [number, number]>();
  private handedOut = 0;

  constructor(
    private readonly local: WriteJournal,
    private readonly remote: WriteJournal,
  ) {}

  get position(): number {
    const pair = [this.local.position, this.remote.position] as const;
    const last = this.pairs.get(this.handedOut);
    if (last !== undefined && last[0] === pair[0] && last[1] === pair[1]) return this.handedOut;
    this.handedOut += 1;
    this.pairs.set(this.handedOut, pair);
    if (this.pairs.size > KEPT_POSITIONS) this.pairs.delete(this.handedOut - KEPT_POSITIONS);
    return this.handedOut;
  }

  since(position: number): ReadonlySet<string> | null {
    const pair = this.pairs.get(position);
    if (pair === undefined) return null;
    const local = this.local.since(pair[0]);
    const remote = this.remote.since(pair[1]);
    if (local === null || remote === null) return null;
    return new Set([...local, ...remote]);
  }
}

/** A store whose state tag and journal also follow the writes that other processes announce. */
export interface FollowingStore {
  store: DramaStore;
  /** Another process wrote, touching these series (null: any). */
  written(series: readonly string[] | null): void;
}

/**
 * Wraps a store so that caches derived from it (recommendation profiles, list sizes) treat another replica's
 * announced write as this process's own: at once, and only the series it touched. Everything else is the
 * store's own, methods bound to it.
 */
export function followRemoteWrites(target: DramaStore): FollowingStore {
  const remote = new SeriesJournal();
  const journal = new MergedJournal(target.journal, remote);
  const bound = new Map<PropertyKey, unknown>();
  const store = new Proxy(target, {
    get(object, property) {
      if (property === 'journal') return journal;
      if (property === 'stateTag') {
        const own = object.stateTag;
        return { writes: `${own.writes}+${remote.position}`, epoch: own.epoch } satisfies StateTag;
      }
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      let fn = bound.get(property);
      if (fn === undefined) {
        fn = (value as (...args: unknown[]) => unknown).bind(object);
        bound.set(property, fn);
      }
      return fn;
    },
  });
  return { store, written: (series) => remote.record(series) };
}
