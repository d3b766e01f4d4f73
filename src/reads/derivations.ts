import { TropesBusyError } from '../errors.js';
import { Places } from '../queueing/places.js';
import { type Asker, SharedWork } from '../queueing/shared-work.js';

/**
 * Runs at most `atOnce` derivations at a time; past `waiting` waiting for their turn, refuses a new one with
 * TropesBusyError, so that a burst cannot queue hours of them. Fair between the clients that ask (see Places):
 * a client's derivation goes before those of a client with a larger share (running plus waiting), and pushes
 * them out of a full line. Each derivation is shared by those who join it (see SharedWork): it waits as the
 * asker with the smallest share, and leaves the line once nobody waits for it.
 */
export function boundedDerivations(atOnce: number, waiting: number) {
  const places = new Places(atOnce, waiting, () => new TropesBusyError());
  return <T>(first: Asker<T>) => SharedWork.begin(places, first);
}

/**
 * Series' tropes worked out from their events in this process (for a viewer's progress, or for `tropes`): two at a
 * time (they use the CPU, not I/O), which bounds the events they hold at once, and 64 waiting: one request of
 * many aliases queues dozens (the reveal walk did), so a lower bound refused requests well within every limit.
 */
export const deriving = boundedDerivations(2, 64);
