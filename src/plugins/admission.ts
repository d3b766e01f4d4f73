import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ClientOf } from '../auth/clients.js';
import type { Refusal } from '../queueing/cheapest-first.js';
import { Lease } from '../queueing/lease.js';
import { Places, type PlaceTicket } from '../queueing/places.js';
import { sliceOver } from '../reads/slices.js';
import { operationCosts } from './operation-costs.js';
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
 * The client went away while its operation waited for a turn or a place: nothing ran, and nobody reads this
 * answer. Its own code and nginx's 499 keep it out of OPERATIONS_EXHAUSTED, which an alert on capacity watches.
 */
class ClientGoneError extends GraphQLError {
  constructor() {
    super('The client closed the request while its operation waited; nothing was run.', {
      extensions: { code: 'CLIENT_CLOSED_REQUEST', http: { status: 499 } },
    });
  }
}

const isRefusal = (error: unknown): error is GraphQLError =>
  error instanceof OperationsExhaustedError || error instanceof ClientGoneError;

/**
 * Bounds the queries and mutations executing at once in this process, so that a burst of heavy operations
 * (each within every per-operation limit) waits in a bounded queue instead of exhausting the heap together.
 * Answers from the response cache, and subscriptions, take no place. A refused operation has not started: a
 * mutation refused here wrote nothing.
 *
 * Before that, each request parses, validates and costs its document in a turn of the event loop of its own
 * (see oneAtATurn): a burst of 400 distinct heavy documents did that work back to back, and /health waited up
 * to 4.9 s (red team). The wait for a place is bounded from the request's arrival, that turn included.
 *
 * Both waits let the lightest go first: the turn by the length of the document (what parsing and validating
 * cost), the place by the operation's cost (what executing it may cost). A cheap query sent during a burst of
 * heavy ones waited up to 7.4 s behind them, first in, first out (red team).
 */
export function useAdmission(limits: AdmissionLimits, clientOf?: ClientOf): Plugin {
  const arrivals = new WeakMap<object, number>();
  const bounded = limits.max > 0;
  // The turn is waited for under the same bounds as a place: at most max + queueMax at once (as many as could
  // run or wait for a place), and waitMs from arrival for one that waits behind others. With no bound on places
  // (max 0), none on the turn either.
  const turn = oneAtATurn(bounded ? limits.max + limits.queueMax : Infinity, refusal(limits));
  // The client is worked out here, not in onRequest: this plugin comes before the body limit, which may hand on
  // a new Request for a POST.
  const onParams: Plugin['onParams'] = async ({ request, params, setResult, context }) => {
    arrivals.set(request, performance.now());
    try {
      await turn(
        documentWeight(params.query),
        bounded ? limits.waitMs : null,
        request.signal,
        clientOf?.(request, context),
      );
    } catch (error) {
      if (!isRefusal(error)) throw error;
      setResult({ errors: [error] });
    }
  };
  if (!bounded) return { onParams };
  const admitted = admission(limits);
  return {
    onParams,
    onExecute({ args, executeFn, setExecuteFn }) {
      const request = (args.contextValue as { request?: Request }).request;
      const arrival = (request && arrivals.get(request)) ?? performance.now();
      // Read when execution starts: the cost limit's hook runs after this one.
      setExecuteFn((args) =>
        admitted(async () => executeFn(args), {
          arrival,
          weight: operationCosts.get(args.contextValue as object) ?? 0,
          signal: request?.signal,
          client: (args.contextValue as { client?: string }).client,
          request,
          context: args.contextValue as object,
        }).catch((error: unknown) => {
          if (isRefusal(error)) return { errors: [error] };
          throw error;
        }),
      );
    },
  };
}

/** The place each request's operation waits for, while it waits. */
const waitingFor = new WeakMap<object, PlaceTicket>();
/** The clients that offered a request a place before it started to wait for one. */
const offered = new WeakMap<object, Set<string>>();

/**
 * Another client waits for `request`'s answer (the response cache shares it): while `request` waits for a place, it
 * waits as that client when that client's share is smaller (see PlaceTicket.offer), so that sharing an answer with a
 * burst's queued copy does not hold the client behind the burst (red team 44).
 */
export function offerPlace(request: object, client: string): void {
  const ticket = waitingFor.get(request);
  if (ticket !== undefined) ticket.offer(client);
  else offered.set(request, (offered.get(request) ?? new Set<string>()).add(client));
}

/** The place of each operation executing, by its context. */
const leases = new WeakMap<object, Lease>();

/**
 * `wait`'s outcome, with the operation whose context this is giving its place back while `wait` is pending (see
 * Lease): an operation waiting for tropes to be worked out held one of the few places, and 16 clients' bursts kept
 * every other client's reads waiting 6–11 s (red team 45). Where admission does not run it, just `wait`.
 */
export const stepAside = <T>(context: object, wait: Promise<T>): Promise<T> => leases.get(context)?.aside(wait) ?? wait;

/** A waiter refused: the line was full of lighter ones, it waited too long, or its client went away. */
const refusal = (limits: AdmissionLimits) => (reason: Refusal) =>
  reason === 'gone' ? new ClientGoneError() : new OperationsExhaustedError(reason, limits);

/** What parsing and validating a document costs, about: its length (a persisted query's id alone: 0, it is parsed once). */
const documentWeight = (query: unknown) => (typeof query === 'string' ? query.length : 0);

/** What an operation waiting for a place gives besides its run (see PlaceRequest). */
export interface Admitted {
  /** When its request arrived: the wait is bounded from then. */
  arrival?: number;
  weight?: number;
  signal?: AbortSignal;
  client?: string;
  /** Whose operation it is, so that a request sharing its answer can offer it a place (see offerPlace). */
  request?: object;
  /** Its context, through which it may step aside while it waits (see stepAside). */
  context?: object;
}

/**
 * Runs each `run` when one of `max` places is free: the waiter of the client with the smallest share (places
 * held plus waiting) first, then the lightest `weight` (see Places); rejects with OperationsExhaustedError when the queue is full, or once
 * it waited `waitMs` from `arrival`.
 */
export function admission(limits: AdmissionLimits) {
  const places = new Places(limits.max, limits.queueMax, refusal(limits));
  return async <T>(
    run: () => Promise<T>,
    { arrival = performance.now(), weight = 0, signal, client, request, context }: Admitted = {},
  ): Promise<T> => {
    // A place is free: it runs, whatever the wait bound (a bound of 0 refuses only operations that must wait).
    const ticket = places.enter({
      weight,
      waitMs: Math.max(0, limits.waitMs - (performance.now() - arrival)),
      signal,
      client,
    });
    if (request !== undefined) {
      for (const other of offered.get(request) ?? []) ticket.offer(other);
      offered.delete(request);
      waitingFor.set(request, ticket);
    }
    const leave = await ticket.granted.finally(() => {
      if (request !== undefined) waitingFor.delete(request);
    });
    // Taken again first among its client's waiters (weight 0): it has started, and holds what it has read.
    const lease = new Lease(leave, () => places.take({ waitMs: limits.waitMs, signal, client }));
    if (context !== undefined) leases.set(context, lease);
    let answer: T;
    try {
      // A turn of the event loop first: operations answered from memory would otherwise follow one another as
      // microtasks, and /health, timers (a wait's bound included) and other sockets would wait for the queue.
      await new Promise((resolve) => setImmediate(resolve));
      // Its client may have gone while the place came: nobody would read the answer (red team 44).
      if (signal?.aborted) throw new ClientGoneError();
      answer = await run();
    } finally {
      lease.end();
      if (context !== undefined) leases.delete(context);
    }
    // What follows (the answer's byte budget, the response cache, its JSON) takes tens of ms for a large one: an
    // answer finished once the loop's slice is over waits for its next turn, so that answers finishing together
    // do not hold the loop (it accepts one connection per turn).
    const turn = sliceOver(performance.now());
    if (turn !== null) await turn;
    return answer;
  };
}
