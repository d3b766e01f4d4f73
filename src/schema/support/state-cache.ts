import type { StateTag } from '../../store/port.js';

/** Anything with a state tag: a store, or a fake one in tests. */
export interface Tagged {
  readonly stateTag: StateTag;
}

interface Entry<T> {
  readonly tag: StateTag;
  readonly value: Promise<T>;
  built: boolean;
}

interface Slot<T> {
  current: Entry<T> | null;
  /** The build that replaces `current` once it is done, started when only the clock turned the tag. */
  next: Entry<T> | null;
}

const sameTag = (a: StateTag, b: StateTag): boolean => a.writes === b.writes && a.epoch === b.epoch;

/**
 * One value derived from each source per state tag. However many ask, one build runs at a time (single
 * flight), and a failed build is forgotten so the next ask starts another. The tag is read before the build
 * starts, so a write during it makes the next ask build again.
 *
 * When this process wrote (the tag's `writes` changed), asks wait for a build that sees the write. When only
 * the clock turned it (its `epoch`), asks keep getting the last built value while the next one builds in
 * the background (stale while revalidate), so a slow build does not stall every request once an epoch.
 */
export class StateCache<T> {
  private readonly slots = new WeakMap<Tagged, Slot<T>>();

  get(source: Tagged, build: () => Promise<T>): Promise<T> {
    const tag = source.stateTag;
    const slot = this.slotOf(source);
    const current = slot.current;
    if (current !== null && current.tag.writes === tag.writes) {
      if (current.built && !sameTag(current.tag, tag)) this.refresh(slot, tag, build);
      return current.value;
    }
    slot.next = null;
    slot.current = this.start(tag, build, (entry) => slot.current === entry, () => (slot.current = null));
    return slot.current.value;
  }

  /** Builds for the new epoch unless a refresh already runs; promotes it when done, if no write came first. */
  private refresh(slot: Slot<T>, tag: StateTag, build: () => Promise<T>): void {
    if (slot.next !== null) return;
    const next = this.start(tag, build, (entry) => slot.next === entry, () => (slot.next = null));
    slot.next = next;
    next.value.then(() => {
      if (slot.next !== next) return;
      slot.current = next;
      slot.next = null;
    }, () => undefined);
  }

  private start(tag: StateTag, build: () => Promise<T>, holds: (entry: Entry<T>) => boolean, forget: () => void): Entry<T> {
    const entry: Entry<T> = { tag, value: build(), built: false };
    entry.value.then(
      () => (entry.built = true),
      () => holds(entry) && forget(),
    );
    return entry;
  }

  private slotOf(source: Tagged): Slot<T> {
    let slot = this.slots.get(source);
    if (slot === undefined) this.slots.set(source, (slot = { current: null, next: null }));
    return slot;
  }
}
