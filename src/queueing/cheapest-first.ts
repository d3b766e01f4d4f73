import { Tally } from './tally.js';

/** Of every this many waiters let go, one is the one that has waited longest, whatever its weight. */
export const OLDEST_EVERY = 8;

/** Why a waiter was refused: the line was full, it waited its whole bound, or its client went away. */
export type Refusal = 'queue' | 'wait' | 'gone';

interface Waiter {
  weight: number;
  /** Whose work it is (a verified token, else an IP address); undefined when the line has no shares. */
  client: string | undefined;
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

/** A place in the line: granted once release() picks it; moveTo hands its wait to another client while it waits. */
export interface Ticket {
  readonly granted: Promise<void>;
  moveTo(client: string): void;
}

/**
 * A bounded waiting line that lets the lightest waiter go first (by weight, then by arrival), so that a burst
 * of heavy work does not hold up light work behind it. When it is full, a lighter newcomer pushes the heaviest
 * waiter out (refused with 'queue'); each waiter with a bound is refused with 'wait' once it has waited that
 * long. Of every `oldestEvery` waiters let go, one is the one that has waited longest: under a steady stream of
 * light work a heavy waiter is delayed, never starved, and light work still takes most places during a burst of
 * heavy work.
 *
 * With `held` (how many places a client holds now), the line is fair between clients before it is cheap: a
 * waiter of the client with the smallest share (places held plus waiting) goes first, and a full line pushes
 * out a waiter of the client with the greatest, so that one client's burst cannot keep another's work waiting.
 */
export class CheapestFirst {
  private readonly line: Waiter[] = [];
  private readonly waiting = new Tally();
  private joins = 0;
  private released = 0;

  constructor(
    private readonly room: number,
    private readonly refusal: (reason: Refusal) => Error,
    private readonly oldestEvery = OLDEST_EVERY,
    private readonly held: ((client: string) => number) | null = null,
  ) {}

  get length(): number {
    return this.line.length;
  }

  /**
   * Resolves when `release()` picks this waiter. `waitMs`: how much longer it may wait (null: no bound).
   * `pinIfFirst`: a waiter that finds the line empty goes next, and no bound applies to it. `signal`: the
   * waiter leaves the line when it aborts (its client went away). `client`: whose work it is, for the shares.
   */
  join(...waiter: Parameters<CheapestFirst['enter']>): Promise<void> {
    return this.enter(...waiter).granted;
  }

  /** As join, with the ticket: its client may change while it waits (see SharedWork). */
  enter(
    weightGiven: number,
    waitMs: number | null,
    pinIfFirst = false,
    signal?: AbortSignal,
    clientGiven = 'local',
  ): Ticket {
    let waiter: Waiter | undefined;
    const granted = new Promise<void>((resolve, reject) => {
      waiter = this.queue(weightGiven, waitMs, pinIfFirst, signal, clientGiven, resolve, reject);
    });
    return {
      granted,
      moveTo: (client) => {
        if (waiter === undefined || waiter.client === undefined || !this.line.includes(waiter)) return;
        this.waiting.add(waiter.client, -1);
        waiter.client = client;
        this.waiting.add(client, 1);
      },
    };
  }

  private queue(
    weightGiven: number,
    waitMs: number | null,
    pinIfFirst: boolean,
    signal: AbortSignal | undefined,
    clientGiven: string,
    resolve: () => void,
    reject: (error: Error) => void,
  ): Waiter | undefined {
    const client = this.held === null ? undefined : clientGiven;
    // NaN would compare as neither lighter nor heavier than anything, and break the order.
    const weight = Number.isNaN(weightGiven) ? Infinity : weightGiven;
    if (signal?.aborted) {
      reject(this.refusal('gone'));
      return undefined;
    }
    const pinned = pinIfFirst && this.line.length === 0;
    if (!pinned && this.line.length >= this.room) {
      const out = this.pushedOutFor(weight, client);
      if (out === -1) {
        reject(this.refusal('queue'));
        return undefined;
      }
      const [pushed] = this.line.splice(out, 1);
      pushed!.refuse('queue');
    }
    const leave = (reason: Refusal) => {
      const at = this.line.indexOf(waiter);
      if (at === -1) return;
      this.line.splice(at, 1);
      waiter.refuse(reason);
    };
    const onAbort = () => leave('gone');
    let forgotten = false;
    const waiter: Waiter = {
      weight,
      client,
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
        if (forgotten) return;
        forgotten = true;
        clearTimeout(waiter.timer);
        signal?.removeEventListener('abort', onAbort);
        if (waiter.client !== undefined) this.waiting.add(waiter.client, -1);
      },
    };
    if (client !== undefined) this.waiting.add(client, 1);
    this.line.splice(this.placeFor(weight), 0, waiter);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (!pinned && waitMs !== null) {
      waiter.timer = setTimeout(() => leave('wait'), waitMs);
      waiter.timer.unref();
    }
    return waiter;
  }

  /** Lets the next waiter go; false when nobody waits. */
  release(): boolean {
    if (this.line.length === 0) return false;
    this.released += 1;
    const at = this.line[0]!.pinned ? 0 : this.released % this.oldestEvery === 0 ? this.oldest() : this.fairest();
    const [next] = this.line.splice(at, 1);
    next!.go();
    return true;
  }

  /** The lightest waiter of the clients with the smallest share, places held plus waiting (the lightest of all without shares). */
  private fairest(): number {
    if (this.held === null) return 0;
    const shares = new Map<string, number>();
    let at = 0;
    let least = Infinity;
    for (let i = 0; i < this.line.length && least > 1; i += 1) {
      const client = this.line[i]!.client!;
      let n = shares.get(client);
      if (n === undefined) {
        n = this.share(client);
        shares.set(client, n);
      }
      if (n < least) {
        least = n;
        at = i;
      }
    }
    return at;
  }

  /** A client's share: the places it holds (by `held`) plus its waiters; 0 without shares. */
  share(client: string | undefined): number {
    return client === undefined || this.held === null ? 0 : this.held(client) + this.waiting.of(client);
  }

  /**
   * Which waiter a newcomer of `weight` pushes out of a full line, or -1 when the newcomer is refused itself. With
   * shares: the newest heaviest waiter of the client with the greatest share (places held plus waiting) when that
   * share is more than one above the newcomer's client's; else the heaviest waiter heavier than the newcomer whose
   * client's share is at least the newcomer's. Without: the heaviest waiter, if heavier than the newcomer.
   */
  private pushedOutFor(weight: number, client: string | undefined): number {
    const own = this.share(client);
    if (client !== undefined) {
      let greatest = client;
      for (const c of this.waiting.keys()) if (this.share(c) > this.share(greatest)) greatest = c;
      if (this.share(greatest) > own + 1)
        for (let i = this.line.length - 1; i >= 0; i -= 1)
          if (this.line[i]!.client === greatest && !this.line[i]!.pinned) return i;
    }
    for (let i = this.line.length - 1; i >= 0 && this.line[i]!.weight > weight; i -= 1) {
      const waiter = this.line[i]!;
      if (!waiter.pinned && this.share(waiter.client) >= own) return i;
    }
    return -1;
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
