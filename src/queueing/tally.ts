/** A count per key (a client, say), holding only the keys counted above zero. */
export class Tally {
  private readonly counts = new Map<string, number>();

  of(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  add(key: string, by: number): void {
    const n = this.of(key) + by;
    if (n > 0) this.counts.set(key, n);
    else this.counts.delete(key);
  }

  keys(): IterableIterator<string> {
    return this.counts.keys();
  }
}
