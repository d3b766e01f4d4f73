import pLimit from 'p-limit';
import { TropesBusyError } from '../errors.js';

/**
 * Runs at most `atOnce` derivations at a time; past `waiting` waiting for their turn, refuses a new one with
 * TropesBusyError, so that a burst cannot queue hours of them.
 */
export function boundedDerivations(atOnce: number, waiting: number) {
  const limit = pLimit(atOnce);
  return <T>(derive: () => Promise<T>): Promise<T> =>
    limit.pendingCount >= waiting ? Promise.reject(new TropesBusyError()) : limit(derive);
}

/**
 * Series' tropes worked out from their events in this process (for a viewer's progress, or for `tropes`): two at a
 * time (they use the CPU, not I/O), which bounds the events they hold at once, and 64 waiting: one request of
 * many aliases queues dozens (the reveal walk did), so a lower bound refused requests well within every limit.
 */
export const deriving = boundedDerivations(2, 64);
