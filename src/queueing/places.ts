import { CheapestFirst, OLDEST_EVERY, type Refusal, type Ticket } from './cheapest-first.js';
import { Tally } from './tally.js';

/** What a waiter for a place gives: how heavy its work is, how long it may wait, its signal, and whose it is. */
export interface PlaceRequest {
  weight?: number;
  /** How much longer it may wait (null: no bound). */
  waitMs?: number | null;
  signal?: AbortSignal;
  /** A verified token, else an IP address ('local' in process). */
  client?: string;
}

/**
 * `max` places, each held by one piece of work at a time, and a line of at most `room` waiting for one, fair
 * between clients (see CheapestFirst): a place let go goes to a waiter of the client with the smallest share,
 * places held plus waiting.
 * A waiter refused rejects with `refusal(reason)`.
 */
export class Places {
  private running = 0;
  private readonly held = new Tally();
  private readonly line: CheapestFirst;

  constructor(
    private readonly max: number,
    room: number,
    refusal: (reason: Refusal) => Error,
  ) {
    this.line = new CheapestFirst(room, refusal, OLDEST_EVERY, (client) => this.held.of(client));
  }

  /** Resolves once a place is held for `client`, with the function that gives it back (call it once). */
  take(request: PlaceRequest = {}): Promise<() => void> {
    return this.enter(request).granted;
  }

  /** As take, with a ticket whose wait may be handed to another client waiting for the same work (see SharedWork). */
  enter({ weight = 0, waitMs = null, signal, client = 'local' }: PlaceRequest = {}): PlaceTicket {
    let ticket: Ticket | null = null;
    let holder = client;
    const granted = (async () => {
      if (this.running < this.max && this.line.length === 0 && !signal?.aborted) this.running += 1;
      else {
        // A place let go passes straight to the waiter picked, so `running` stays as it is.
        ticket = this.line.enter(weight, waitMs, false, signal, client);
        await ticket.granted;
      }
      ticket = null;
      this.held.add(holder, 1);
      let given = false;
      return () => {
        if (given) return;
        given = true;
        this.held.add(holder, -1);
        if (!this.line.release()) this.running -= 1;
      };
    })();
    return {
      granted,
      offer: (to) => {
        // Moved, the wait counts one less for its holder and one more for `to`: only then is `to` better off.
        if (ticket === null || this.shareOf(to) + 1 >= this.shareOf(holder)) return;
        ticket.moveTo(to);
        holder = to;
      },
    };
  }

  /** A client's share: the places it holds plus its waiters. */
  shareOf(client: string): number {
    return this.line.share(client);
  }
}

/** A wait for a place, and what hands it to another client who waits for the same work. */
export interface PlaceTicket {
  readonly granted: Promise<() => void>;
  /** While it waits: it waits as `client` from now on when that client's share is smaller by more than this wait. */
  offer(client: string): void;
}
