import { CheapestFirst, type Refusal } from '../queueing/cheapest-first.js';

/**
 * Resolves in a turn of the event loop of its own, the lightest waiter first (see CheapestFirst).
 * `waitMs`: how much longer it may wait behind others (null: no bound); one that finds nobody waiting goes next.
 * `signal`: it leaves the line when that aborts.
 */
export type Turns = (weight?: number, waitMs?: number | null, signal?: AbortSignal) => Promise<void>;

/**
 * A line that lets its waiters go one per turn of the event loop: each one's synchronous work runs in a turn
 * of its own, with timers and sockets served in between. At most `room` wait; `refusal` is what a refused
 * waiter rejects with.
 */
export function oneAtATurn(
  room = Infinity,
  refusal: (reason: Refusal) => Error = (reason) => new Error(`refused: ${reason}`),
): Turns {
  const line = new CheapestFirst(room, refusal);
  let scheduled = false;
  const next = () => {
    if (!line.release()) {
      scheduled = false;
      return;
    }
    // Scheduled from within a setImmediate callback: it runs in the next turn, after the sockets are polled.
    setImmediate(next);
  };
  const turn = (weight = 0, waitMs: number | null = null, signal?: AbortSignal) => {
    const joined = line.join(weight, waitMs, true, signal);
    if (!scheduled) {
      scheduled = true;
      setImmediate(next);
    }
    return joined;
  };
  return turn;
}
