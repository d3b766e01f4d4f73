import type { Places, PlaceTicket } from './places.js';

/** One of those waiting for a shared piece of work: whose wait it is, when it gives up, and how it would do it. */
export interface Asker<T> {
  client: string;
  /** Aborts when nobody reads the asker's answer any more (its request was answered, or its client went away). */
  signal?: AbortSignal;
  /** The work as this asker would do it (with its own reads): run for whichever asker is still there. */
  work: () => Promise<T>;
}

/**
 * Work that several askers wait for, done once, in one place of `places`. It waits in line once, as the asker
 * whose client has the smallest share: one that joins later is not held behind the first asker's client (red
 * team 44: a viewer waited 13–17 s behind a burst it shared one derivation with). It leaves the line once every
 * asker has gone, since nobody would read what it makes; an asker that goes stops waiting at once.
 */
export class SharedWork<T> {
  private readonly askers = new Map<Asker<T>, () => void>();
  private readonly abandoned = new AbortController();
  private readonly ticket: PlaceTicket;
  private finished = false;
  /** What the work makes, whoever asked: it settles even once every asker has gone. */
  readonly result: Promise<T>;

  private constructor(places: Places, client: string) {
    this.ticket = places.enter({ client, signal: this.abandoned.signal });
    this.result = this.run();
    this.result.then(
      () => this.settled(),
      () => this.settled(),
    );
  }

  /** Puts `first`'s work in line: the work, for others to join, and `first`'s answer. */
  static begin<T>(places: Places, first: Asker<T>): { work: SharedWork<T>; answer: Promise<T> } {
    const work = new SharedWork<T>(places, first.client);
    return { work, answer: work.join(first) };
  }

  /** The work's result for `asker`; rejects with its signal's reason once that aborts, the others still waiting. */
  join(asker: Asker<T>): Promise<T> {
    const { signal } = asker;
    if (this.finished) return this.result;
    if (signal?.aborted) return Promise.reject(signal.reason);
    let forget = () => {};
    const gone = new Promise<never>((_resolve, reject) => {
      const leave = () => {
        this.remove(asker);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', leave, { once: true });
      forget = () => signal?.removeEventListener('abort', leave);
    });
    gone.catch(() => undefined);
    this.askers.set(asker, forget);
    this.ticket.offer(asker.client);
    return signal === undefined ? this.result : Promise.race([this.result, gone]);
  }

  private async run(): Promise<T> {
    const leave = await this.ticket.granted;
    try {
      for (;;) {
        const asker = [...this.askers.keys()].find((a) => !a.signal?.aborted);
        if (asker === undefined) throw new Error('Every asker of the work has gone.');
        try {
          return await asker.work();
        } catch (error) {
          // Its reads end with its request: the work is done again for those still waiting.
          if (!asker.signal?.aborted) throw error;
          this.remove(asker);
        }
      }
    } finally {
      leave();
    }
  }

  private remove(asker: Asker<T>): void {
    this.askers.get(asker)?.();
    this.askers.delete(asker);
    if (this.askers.size === 0) this.abandoned.abort();
    else for (const { client } of this.askers.keys()) this.ticket.offer(client);
  }

  private settled(): void {
    this.finished = true;
    for (const forget of this.askers.values()) forget();
    this.askers.clear();
  }
}
