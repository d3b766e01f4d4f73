import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<AbortSignal>();

/**
 * Runs `work` as the reads of one operation: a store read made within it (however many awaits later) stops once
 * `signal` aborts. On Neo4j its query is ended on the server; the embedded store's reads are too short to stop.
 */
export const readsFor = <T>(signal: AbortSignal, work: () => T): T => scope.run(signal, work);

/** The signal of the operation whose reads these are; undefined outside any operation. */
export const readSignal = (): AbortSignal | undefined => scope.getStore();

/**
 * Runs `work` as no operation's reads: work that outlives the operation that started it, or that other
 * operations share (a cache build they all wait for), must not stop when that one operation is answered.
 */
export const sharedReads = <T>(work: () => T): T => scope.exit(work);
