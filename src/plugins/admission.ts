import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import pLimit from 'p-limit';
import { oneAtATurn } from './turns.js';

export interface AdmissionLimits {
  /** Operations executing at once in this process; 0 admits every one at once. */
  max: number;
  /** Operations waiting for a place; over it, or after waiting `waitMs`, 503 OPERATIONS_EXHAUSTED. */
  queueMax: number;
  waitMs: number;
}

const RETRY_AFTER_S = 1;

export class OperationsExhaustedError extends GraphQLError {
  constructor(reason: 'queue' | 'wait', limits: AdmissionLimits) {
    super(
      reason === 'queue'
        ? `This replica is running its most operations at once (${limits.max}, with ${limits.queueMax} waiting); nothing was run. Retry shortly.`
        : `This operation waited ${limits.waitMs} ms for one of this replica's ${limits.max} places and was not run. Retry shortly.`,
      {
        extensions: {
          code: 'OPERATIONS_EXHAUSTED',
          http: { status: 503, headers: { 'retry-after': String(RETRY_AFTER_S) } },
        },
      },
    );
  }
}

/**
 * Bounds the queries and mutations executing at once in this process, so that a burst of heavy operations
 * (each within every per-operation limit) waits in a bounded queue instead of exhausting the heap together.
 * Answers from the response cache, and subscriptions, take no place. A refused operation has not started: a
 * mutation refused here wrote nothing.
 *
 * Before that, each request parses, validates and costs its document in a turn of the event loop of its own
 * (see oneAtATurn): a burst of 400 distinct heavy documents did that work back to back, and /health waited up
 * to 4.9 s (red team). The wait for a place is bounded from the request's arrival, that turn included.
 */
export function useAdmission(limits: AdmissionLimits): Plugin {
  const turn = oneAtATurn();
  const arrivals = new WeakMap<object, number>();
  if (limits.max === 0) return { onParams: () => turn() };
  // The turn is waited for under the same bounds as a place: at most max + queueMax at once (as many as could
  // run or wait for a place), and waitMs from arrival.
  const onParams: Plugin['onParams'] = async ({ request, setResult }) => {
    if (turn.waiting() >= limits.max + limits.queueMax)
      return setResult({ errors: [new OperationsExhaustedError('queue', limits)] });
    const arrival = performance.now();
    arrivals.set(request, arrival);
    // As for a place, the bound refuses only a request that had to wait behind others (a bound of 0 included).
    const behindOthers = turn.waiting() > 0;
    await turn();
    if (behindOthers && performance.now() - arrival > limits.waitMs)
      setResult({ errors: [new OperationsExhaustedError('wait', limits)] });
  };
  const admitted = admission(limits);
  return {
    onParams,
    onExecute({ args, executeFn, setExecuteFn }) {
      const request = (args.contextValue as { request?: object }).request;
      const arrival = (request && arrivals.get(request)) ?? performance.now();
      setExecuteFn((args) =>
        admitted(async () => executeFn(args), arrival).catch((error: unknown) => {
          if (error instanceof OperationsExhaustedError) return { errors: [error] };
          throw error;
        }),
      );
    },
  };
}

/** Runs each `run` when one of `max` places is free; rejects with OperationsExhaustedError when the queue is full or the wait too long. */
export function admission(limits: AdmissionLimits) {
  const places = pLimit(limits.max);
  return <T>(run: () => Promise<T>, arrival = performance.now()): Promise<T> => {
    if (places.activeCount + places.pendingCount >= limits.max + limits.queueMax) {
      return Promise.reject(new OperationsExhaustedError('queue', limits));
    }
    const turn = <R>(next: () => Promise<R>) =>
      places(async () => {
        // A turn of the event loop first: operations answered from memory would otherwise follow one another as
        // microtasks, and /health, timers (a wait's bound included) and other sockets would wait for the queue.
        await new Promise((resolve) => setImmediate(resolve));
        return next();
      });
    // A place is free: it runs, whatever the wait bound (a bound of 0 refuses only operations that must wait).
    if (places.activeCount + places.pendingCount < limits.max) return turn(run);
    let gaveUp = false;
    let timer: NodeJS.Timeout | undefined;
    const expiry = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => {
          gaveUp = true;
          reject(new OperationsExhaustedError('wait', limits));
        },
        Math.max(0, limits.waitMs - (performance.now() - arrival)),
      );
      timer.unref();
    });
    const queued = turn(async () => {
      // An operation whose client was answered while it waited gives its place straight back.
      if (gaveUp) return undefined as T;
      clearTimeout(timer);
      return run();
    });
    return Promise.race([queued, expiry]);
  };
}
