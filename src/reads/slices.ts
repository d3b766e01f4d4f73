/**
 * The event loop's turns, shared by every operation executing in this process. libuv accepts one connection
 * per turn of the loop, so the loop must turn often while operations execute: loaders answered from lmdb
 * resolve as microtasks, and a burst of heavy operations held the loop for seconds at a time, with connections
 * (and /health) waiting in the kernel's queue (red team). Each resolver asks `sliceOver`; once the process has
 * run SLICE_MS since the loop last turned, every operation waits for the next turn.
 */
const SLICE_MS = 10;

let sliceStarted = 0;
/** A turn marker is scheduled: the loop has not turned since sliceStarted. */
let marking = false;
let nextTurn: Promise<void> | null = null;

const mark = () => {
  marking = false;
};

/** The turn of the loop that operations wait for, once a slice is over; null while none is. */
export const pendingTurn = (): Promise<void> | null => nextTurn;

/** null while the current slice lasts; else the turn of the loop to wait for before going on. */
export function sliceOver(now: number): Promise<void> | null {
  if (nextTurn !== null) return nextTurn;
  if (!marking) {
    // The loop turned since the last slice (or the process was idle): a slice starts now.
    marking = true;
    sliceStarted = now;
    setImmediate(mark);
    return null;
  }
  if (now - sliceStarted < SLICE_MS) return null;
  nextTurn = new Promise<void>((resolve) =>
    setImmediate(() => {
      nextTurn = null;
      resolve();
    }),
  );
  return nextTurn;
}

/** Waits for the next turn of the event loop once operations' shared slice is over. */
export async function turnIfDue(): Promise<void> {
  const turn = sliceOver(performance.now());
  if (turn !== null) await turn;
}

/**
 * DataLoader's batch schedule (once the promise jobs queued now have run), except that no batch is sent while
 * operations wait for a turn of the loop: the loads of a list's items made before the slice ended and those made
 * after the turn go in one store call, not two (a busy machine split a level's batch this way).
 */
export function afterPendingTurn(dispatch: () => void): void {
  void Promise.resolve().then(() => process.nextTick(sendOrWait, dispatch, TURNS_HELD));
}

/**
 * How many turns a batch is held at most: under a sustained load every turn may find the next one pending, and a
 * batch held until none is would wait as long as the load lasts.
 */
const TURNS_HELD = 8;

/** Queued behind the pending turn, this runs once the loads that the turn let go have been made, however deep. */
function sendOrWait(dispatch: () => void, turnsLeft: number): void {
  if (pendingTurn() === null || turnsLeft === 0) dispatch();
  else setImmediate(sendOrWait, dispatch, turnsLeft - 1);
}
