/**
 * A queue that lets its waiters go one per turn of the event loop, in order: each one's synchronous work runs
 * in a turn of its own, with timers and sockets served in between.
 */
export function oneAtATurn(): { (): Promise<void>; waiting(): number } {
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
  const turn = () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (!scheduled) {
        scheduled = true;
        setImmediate(next);
      }
    });
  return Object.assign(turn, { waiting: () => waiting.length });
}
