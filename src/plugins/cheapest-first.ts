/** How many later arrivals may be placed ahead of one waiter. */
export const MOST_PASSED = 64;

/** Why a waiter was refused: the line was full, it waited its whole bound, or its client went away. */
export type Refusal = 'queue' | 'wait' | 'gone';

interface Waiter {
  weight: number;
  /** Joined an empty line: it goes next, whatever joins after it. */
  pinned: boolean;
  /** How many who came later were placed ahead of it. */
  passed: number;
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
 * long. No waiter is passed by more than `mostPassed` later arrivals: once it has been, those who come after it
 * stay behind it, so a steady stream of light work delays heavy work but never starves it.
 */
export class CheapestFirst {
  private readonly line: Waiter[] = [];

  constructor(
    private readonly room: number,
    private readonly refusal: (reason: Refusal) => Error,
    private readonly mostPassed = MOST_PASSED,
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
        if (heaviest === undefined || heaviest.pinned || this.due(heaviest) || heaviest.weight <= weight) {
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
        passed: 0,
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
      const place = this.placeFor(weight);
      for (let behind = place; behind < this.line.length; behind += 1) this.line[behind]!.passed += 1;
      this.line.splice(place, 0, waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (!pinned && waitMs !== null) {
        waiter.timer = setTimeout(() => leave('wait'), waitMs);
        waiter.timer.unref();
      }
    });
  }

  /** Lets the next waiter go; false when nobody waits. */
  release(): boolean {
    const next = this.line.shift();
    next?.go();
    return next !== undefined;
  }

  private due(waiter: Waiter): boolean {
    return waiter.passed >= this.mostPassed;
  }

  /** After every waiter of at most `weight`, and after every waiter already passed its most (a pinned head stays first). */
  private placeFor(weight: number): number {
    let low = this.line[0]?.pinned ? 1 : 0;
    for (let at = this.line.length - 1; at >= low; at -= 1) {
      if (this.due(this.line[at]!)) {
        low = at + 1;
        break;
      }
    }
    // From `low` on, the line is in weight order: only waiters ahead of a due one may be out of it.
    let high = this.line.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.line[middle]!.weight <= weight) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
