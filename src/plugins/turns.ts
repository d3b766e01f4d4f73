import type { Plugin } from 'graphql-yoga';

/**
 * A queue that lets its waiters go one per turn of the event loop, in order: each one's synchronous work runs
 * in a turn of its own, with timers and sockets served in between.
 */
export function oneAtATurn(): () => Promise<void> {
  const waiting: (() => void)[] = [];
  let scheduled = false;
  const next = () => {
    const go = waiting.shift();
    if (go === undefined) {
      scheduled = false;
      return;
    }
    go();
    // Scheduled from within a setImmediate callback: it runs in the next turn, after the sockets are polled.
    setImmediate(next);
  };
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (!scheduled) {
        scheduled = true;
        setImmediate(next);
      }
    });
}

/**
 * Each GraphQL request parses, validates and costs its document in a turn of the event loop of its own. That
 * work is synchronous, a few milliseconds for a long document; a burst of 400 distinct heavy documents did it
 * back to back, and /health, /ready and every other socket waited seconds for the whole burst (red team).
 */
export function useOneRequestPerTurn(): Plugin {
  const turn = oneAtATurn();
  return { onParams: () => turn() };
}
