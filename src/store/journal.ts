import type { WriteJournal } from './port.js';

/** How many writes a journal remembers; a cache further behind than that rebuilds everything. */
const KEPT = 1_000;

interface Written {
  readonly at: number;
  /** null: the write may have touched any series (an import, a wipe). */
  readonly series: ReadonlySet<string> | null;
}

/** The series each of this process's writes to one store touched, in order (see WriteJournal). */
export class SeriesJournal implements WriteJournal {
  private readonly entries: Written[] = [];
  private written = 0;
  /** The position of the last entry no longer kept. */
  private forgotten = 0;

  get position(): number {
    return this.written;
  }

  /** Records a write that is over, whether or not it committed: the series it touched, or null for any. */
  record(series: Iterable<string> | null): void {
    this.written++;
    this.entries.push({ at: this.written, series: series === null ? null : new Set(series) });
    if (this.entries.length > KEPT) this.forgotten = this.entries.shift()!.at;
  }

  since(position: number): ReadonlySet<string> | null {
    if (position < this.forgotten) return null;
    const touched = new Set<string>();
    for (const { at, series } of this.entries) {
      if (at <= position) continue;
      if (series === null) return null;
      for (const key of series) touched.add(key);
    }
    return touched;
  }
}
