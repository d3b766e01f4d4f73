import type { LRUCache } from 'lru-cache';
import type { StateTag, StoreVersion } from '../store/port.js';

/** Anything with a state tag and a data version: a store, or a fake one in tests. */
export type Tagged = Pick<StoreVersion, 'stateTag' | 'dataVersion' | 'soleWriter'>;

/** A source with the journal of this process's writes to it: what values kept per series follow. */
export type Journaled = Tagged & Pick<StoreVersion, 'journal'>;

/** What this process's writes left of a value kept per series: the value, and which series they did not touch. */
export interface LeftByWrites<T> {
  previous: T;
  untouched: (seriesKey: string) => boolean;
}

/**
 * StateCache's `update` for a value kept per series, noting the journal's `position` before it reads: `make` is
 * given what the writes since then left (records never refer to another series), or nothing when the journal
 * cannot tell (an import), so that it starts afresh.
 */
export const afterWrites =
  <T extends { position: number }>(source: Journaled, make: (left?: LeftByWrites<T>) => T) =>
  async (previous: T): Promise<T> => {
    const touched = source.journal.since(previous.position);
    return make(touched === null ? undefined : { previous, untouched: (seriesKey) => !touched.has(seriesKey) });
  };

/** Puts the entries of `from` that `keep` accepts into `to`, from the least recently used on, so they keep their order. */
export function carryOver<V extends {}>(
  from: LRUCache<string, V>,
  to: LRUCache<string, V>,
  keep: (key: string) => boolean,
): void {
  for (const [key, value] of [...from.entries()].reverse()) if (keep(key)) to.set(key, value);
}

interface Entry<T> {
  readonly tag: StateTag;
  readonly value: Promise<T>;
  /** The data version read before the build started; null until read, or when it could not be. */
  version: string | null;
  built: boolean;
}

interface Slot<T> {
  current: Entry<T> | null;
  /** The entry that replaces `current` once it is done, started when only the clock turned the tag. */
  next: Entry<T> | null;
}

const sameTag = (a: StateTag, b: StateTag): boolean => a.writes === b.writes && a.epoch === b.epoch;

/**
 * One value derived from each source per state tag. However many ask, one build runs at a time (single
 * flight), and a failed build is forgotten so the next ask starts another. The data version is read before
 * the build starts, so a write during it makes the next check build again.
 *
 * When this process wrote (the tag's `writes` changed), asks wait for a value that sees the write: `update`
 * derives it from the last value (even one still being built), or without `update` it is built. When only
 * the clock turned it (its `epoch`), asks keep getting the last built value while the source's data version
 * is checked in the background, and the value rebuilt only if that changed (stale while revalidate): a slow
 * build neither stalls requests once an epoch nor runs when nothing was written.
 */
export class StateCache<T> {
  private readonly slots = new WeakMap<Tagged, Slot<T>>();

  /**
   * `staleWhileRevalidate: false` makes asks after a turn of the clock wait for the data version check (and a
   * build if it moved) instead: for a value other cached values are derived from, which would otherwise be
   * derived from the last one and kept as new (red team 65: Neo4j tropes a write behind for as long as no other
   * process wrote again).
   */
  constructor(private readonly options: { staleWhileRevalidate: boolean } = { staleWhileRevalidate: true }) {}

  get(source: Tagged, build: () => Promise<T>, update?: (previous: T) => Promise<T>): Promise<T> {
    const tag = source.stateTag;
    const slot = this.slotOf(source);
    const current = slot.current;
    const sameWrites = current !== null && current.tag.writes === tag.writes;
    if (sameWrites) {
      if (!current.built || sameTag(current.tag, tag)) return current.value;
      if (this.options.staleWhileRevalidate) {
        this.refresh(source, slot, tag, build);
        return current.value;
      }
    }
    slot.next = null;
    const forget = () => {
      if (slot.current === entry) slot.current = null;
    };
    const entry =
      current !== null && update !== undefined && !sameWrites
        ? this.follow(source, current, tag, build, update, forget)
        : this.start(source, tag, sameWrites ? current : null, build, forget);
    slot.current = entry;
    return entry.value;
  }

  /**
   * After this process wrote: `update` of the previous value once that is done, or a build if it failed.
   * What `update` keeps is as old as the previous value, so the entry keeps its data version and epoch:
   * when the clock has turned or turns, the next ask revalidates it as it would the previous one. A sole
   * writer's data changes by its own writes alone, which `update` follows, so the entry takes the data version
   * read before `update` reads: the next turn of the clock keeps it instead of building again.
   */
  private follow(
    source: Tagged,
    previous: Entry<T>,
    tag: StateTag,
    build: () => Promise<T>,
    update: (previous: T) => Promise<T>,
    forget: () => void,
  ): Entry<T> {
    const entry: Entry<T> = {
      tag: { writes: tag.writes, epoch: previous.tag.epoch },
      version: null,
      built: false,
      value: previous.value.then(async (value) => {
        entry.version = source.soleWriter ? await source.dataVersion().catch(() => null) : previous.version;
        return update(value);
      }, build),
    };
    entry.value.then(() => {
      entry.built = true;
    }, forget);
    return entry;
  }

  /** Revalidates for the new epoch unless that already runs; promotes the result when done, if no write came first. */
  private refresh(source: Tagged, slot: Slot<T>, tag: StateTag, build: () => Promise<T>): void {
    if (slot.next !== null) return;
    const next = this.start(source, tag, slot.current, build, () => {
      if (slot.next === next) slot.next = null;
    });
    slot.next = next;
    next.value.then(
      () => {
        if (slot.next !== next) return;
        slot.current = next;
        slot.next = null;
      },
      () => undefined,
    );
  }

  /** Builds, or takes the value of `previous` when the data version is still the one it was built from. */
  private start(
    source: Tagged,
    tag: StateTag,
    previous: Entry<T> | null,
    build: () => Promise<T>,
    forget: () => void,
  ): Entry<T> {
    const unchanged = (version: string | null) => previous !== null && version !== null && version === previous.version;
    const version = source.dataVersion().catch(() => null);
    const entry: Entry<T> = {
      tag,
      version: null,
      built: false,
      value: version.then((v) => {
        entry.version = v;
        return unchanged(v) ? previous!.value : build();
      }),
    };
    entry.value.then(() => {
      entry.built = true;
    }, forget);
    return entry;
  }

  private slotOf(source: Tagged): Slot<T> {
    const existing = this.slots.get(source);
    if (existing !== undefined) return existing;
    const slot: Slot<T> = { current: null, next: null };
    this.slots.set(source, slot);
    return slot;
  }
}
