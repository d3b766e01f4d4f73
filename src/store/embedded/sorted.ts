interface Keyed {
  readonly key: string;
}

export type Compare<T> = (a: T, b: T) => number;

/** Records by key, with a sorted view that is rebuilt lazily after a change. */
export class SortedSet<T extends Keyed> {
  private readonly byKey = new Map<string, T>();
  private sorted: readonly T[] | null = null;

  constructor(private readonly compare: Compare<T>) {}

  get size(): number {
    return this.byKey.size;
  }

  add(record: T): void {
    this.byKey.set(record.key, record);
    this.sorted = null;
  }

  remove(key: string): void {
    if (this.byKey.delete(key)) this.sorted = null;
  }

  items(): readonly T[] {
    this.sorted ??= [...this.byKey.values()].sort(this.compare);
    return this.sorted;
  }
}

/** A secondary index: records grouped under one or more group keys, each group kept sorted. */
export class Grouped<T extends Keyed> {
  private readonly groups = new Map<string, SortedSet<T>>();

  constructor(private readonly compare: Compare<T>) {}

  add(group: string, record: T): void {
    let set = this.groups.get(group);
    if (set === undefined) {
      set = new SortedSet(this.compare);
      this.groups.set(group, set);
    }
    set.add(record);
  }

  remove(group: string, key: string): void {
    const set = this.groups.get(group);
    set?.remove(key);
    if (set?.size === 0) this.groups.delete(group);
  }

  get(group: string): readonly T[] {
    return this.groups.get(group)?.items() ?? [];
  }

  clear(): void {
    this.groups.clear();
  }
}
