/** Of every this many waiters let go, one is the one that has waited longest, whatever its weight. */
export const OLDEST_EVERY = 8;

/** Why a waiter was refused: the line was full, it waited its whole bound, or its client went away. */
export type Refusal = 'queue' | 'wait' | 'gone';

interface Waiter {
  weight: number;
  /** Joined an empty line: it goes next, whatever joins after it. */
  pinned: boolean;
  /** When it joined, in joins: the lowest has waited longest. */
  arrival: number;
  go(): void;
  refuse(reason: Refusal): void;
  timer: NodeJS.Timeout | undefined;
  /** Stops listening to the waiter's signal. */
  forget(): void;
}

/**
 * A bounded waiting line that lets the lightest waiter go first (by weight, then by arrival), so that a burst
 * of heavy work does not hold up light work behind it. When it is full, a lighter newcomer pushes the heaviest
 * waiter out (refused with 'queue'); each waiter with a bound is refused with 'wait' once it has waited that
 * long. Of every `oldestEvery` waiters let go, one is the one that has waited longest: under a steady stream of
 * light work a heavy waiter is delayed, never starved, and light work still takes most places during a burst of
 * heavy work.
 */
export class CheapestFirst {
  private readonly line: Waiter[] = [];
  private joins = 0;
  private released = 0;

  constructor(
    private readonly room: number,
    private readonly refusal: (reason: Refusal) => Error,
    private readonly oldestEvery = OLDEST_EVERY,
  ) {}

  get length(): number {
    return this.line.length;
  }

  /**
   * Resolves when `release()` picks this waiter. `waitMs`: how much longer it may wait (null: no bound).
   * `pinIfFirst`: a waiter that finds the line empty goes next, and no bound applies to it. `signal`: the
   * waiter leaves the line when it aborts (its client went away).
   */
  join(weightGiven: number, waitMs: number | null, pinIfFirst = false, signal?: AbortSignal): Promise<void> {
    // NaN would compare as neither lighter nor heavier than anything, and break the order.
    const weight = Number.isNaN(weightGiven) ? Infinity : weightGiven;
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(this.refusal('gone'));
        return;
      }
      const pinned = pinIfFirst && this.line.length === 0;
      if (!pinned && this.line.length >= this.room) {
        const heaviest = this.line.at(-1);
        if (heaviest === undefined || heaviest.pinned || heaviest.weight <= weight) {
          reject(this.refusal('queue'));
          return;
        }
        this.line.pop();
        heaviest.refuse('queue');
      }
      const leave = (reason: Refusal) => {
        const at = this.line.indexOf(waiter);
        if (at === -1) return;
        this.line.splice(at, 1);
        waiter.refuse(reason);
      };
      const onAbort = () => leave('gone');
      const waiter: Waiter = {
        weight,
        pinned,
        arrival: this.joins++,
        go: () => {
          waiter.forget();
          resolve();
        },
        refuse: (reason) => {
          waiter.forget();
          reject(this.refusal(reason));
        },
        timer: undefined,
        forget: () => {
          clearTimeout(waiter.timer);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      this.line.splice(this.placeFor(weight), 0, waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (!pinned && waitMs !== null) {
        waiter.timer = setTimeout(() => leave('wait'), waitMs);
        waiter.timer.unref();
      }
    });
  }

  /** Lets the next waiter go; false when nobody waits. */
  release(): boolean {
    if (this.line.length === 0) return false;
    this.released += 1;
    const at = this.released % this.oldestEvery === 0 && !this.line[0]!.pinned ? this.oldest() : 0;
    const [next] = this.line.splice(at, 1);
    next!.go();
    return true;
  }

  private oldest(): number {
    let at = 0;
    for (let i = 1; i < this.line.length; i += 1) if (this.line[i]!.arrival < this.line[at]!.arrival) at = i;
    return at;
  }

  /** After every waiter of at most `weight` (a pinned head stays first). */
  private placeFor(weight: number): number {
    let low = this.line[0]?.pinned ? 1 : 0;
    let high = this.line.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.line[middle]!.weight <= weight) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
