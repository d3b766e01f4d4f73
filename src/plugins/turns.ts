import { CheapestFirst, OLDEST_EVERY, type Refusal } from '../queueing/cheapest-first.js';

/**
 * Resolves in a turn of the event loop of its own, the lightest waiter first (see CheapestFirst).
 * `waitMs`: how much longer it may wait behind others (null: no bound); one that finds nobody waiting goes next.
 * `signal`: it leaves the line when that aborts. `client`: whose it is; the client with the fewest waiting goes first.
 */
export type Turns = (weight?: number, waitMs?: number | null, signal?: AbortSignal, client?: string) => Promise<void>;

/**
 * A line that lets its waiters go one per turn of the event loop: each one's synchronous work runs in a turn
 * of its own, with timers and sockets served in between. At most `room` wait; `refusal` is what a refused
 * waiter rejects with.
 */
export function oneAtATurn(
  room = Infinity,
  refusal: (reason: Refusal) => Error = (reason) => new Error(`refused: ${reason}`),
): Turns {
  // Nobody holds a turn: the share of a client is what it has waiting.
  const line = new CheapestFirst(room, refusal, OLDEST_EVERY, () => 0);
  let scheduled = false;
  const next = () => {
    if (!line.release()) {
      scheduled = false;
      return;
    }
    // Scheduled from within a setImmediate callback: it runs in the next turn, after the sockets are polled.
    setImmediate(next);
  };
  const turn = (weight = 0, waitMs: number | null = null, signal?: AbortSignal, client?: string) => {
    const joined = line.join(weight, waitMs, true, signal, client);
    if (!scheduled) {
      scheduled = true;
      setImmediate(next);
    }
    return joined;
  };
  return turn;
}
