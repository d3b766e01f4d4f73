import { setMaxListeners } from 'node:events';
import {
  type ExecutionResult,
  GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  getOperationAST,
  isInterfaceType,
  isObjectType,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { pendingTurn, sliceOver } from '../reads/slices.js';

type BudgetName = 'objects' | 'bytes' | 'time';

export interface ExecutionBudget {
  /** Resolved fields and list items, counted as resolvers answer. */
  objects: number;
  /** Bytes of the JSON answer. */
  bytes: number;
  /** Milliseconds from the start of execution. */
  timeMs: number;
}

const BUDGET = Symbol('execution budget');

const UNITS: Record<BudgetName, string> = { objects: 'resolved fields and list items', bytes: 'bytes', time: 'ms' };

class BudgetExceededError extends GraphQLError {
  constructor(
    readonly budget: BudgetName,
    readonly limit: number,
    applied: readonly string[] = [],
  ) {
    const stopped = `This operation was stopped: it went over its budget of ${limit} ${UNITS[budget]}.`;
    super(
      applied.length === 0
        ? `${stopped} Ask for less, or page through it.`
        : `${stopped} These mutation fields were applied before it stopped, and only their answer was cut: ${applied.join(', ')}. Do not send them again; read the result instead.`,
      { extensions: { code: 'EXECUTION_BUDGET_EXCEEDED', budget, limit, ...(applied.length > 0 ? { applied } : {}) } },
    );
  }
}

/** One operation's spending; once over, every further resolver refuses at once. */
class Spending {
  private objects = 0;
  private started = performance.now();
  exceeded: BudgetExceededError | null = null;
  /** Response keys of the mutation's top-level fields that have returned: their writes are done. */
  readonly applied: string[] = [];
  /** Aborted when the operation's answer has gone out, e.g. past its time: work still under way for it is dropped. */
  readonly answered = new AbortController();

  constructor(readonly limits: ExecutionBudget) {
    // Each tropes derivation an operation waits for listens to it (an operation of many aliases waits for dozens):
    // Node's warning at 11 filled the log under a burst (red team 46).
    setMaxListeners(0, this.answered.signal);
  }

  private stop(budget: BudgetName): never {
    this.exceeded ??= new BudgetExceededError(budget, this.limits[budget === 'time' ? 'timeMs' : budget]);
    throw this.exceeded;
  }

  /** Execution starts now: the time before (waiting for a place, see useAdmission) is not the operation's. */
  begin(): void {
    this.started = performance.now();
  }

  /** Throws once over budget; else the turn of the event loop to wait for first, if any (see sliceOver). */
  enter(): Promise<void> | null {
    if (this.exceeded !== null) throw this.exceeded;
    // Checked again once the turn has come.
    const waiting = pendingTurn();
    if (waiting !== null) return waiting;
    const now = performance.now();
    if (now - this.started > this.limits.timeMs) this.stop('time');
    return sliceOver(now);
  }

  count<T>(value: T): T {
    this.objects += Array.isArray(value) ? value.length + 1 : 1;
    if (this.objects > this.limits.objects) this.stop('objects');
    return value;
  }

  remainingMs(): number {
    return Math.max(0, this.limits.timeMs - (performance.now() - this.started));
  }
}

const spendingOf = (context: unknown): Spending | undefined =>
  context !== null && typeof context === 'object' ? (context as { [BUDGET]?: Spending })[BUDGET] : undefined;

/** The signal of the operation's budget (see Spending.answered), when the budget runs this operation. */
export const budgetSignal = (context: unknown): AbortSignal | undefined => spendingOf(context)?.answered.signal;

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';

const isMutationField = (info: GraphQLResolveInfo) =>
  info.operation.operation === 'mutation' && info.path.prev === undefined;

/**
 * A resolver's error is given back as a rejected promise, never thrown. graphql-js 16 abandons the promises of a
 * list's earlier items when a later item fails synchronously (graphql/graphql-js#3528); once one of those
 * rejected too, Node ended the process on the unhandled rejection. A budget spent in the middle of a list did it:
 * every later resolver refuses at once.
 */
const metered = (resolve: GraphQLFieldResolver<unknown, unknown>): GraphQLFieldResolver<unknown, unknown> =>
  function meteredResolve(source, args, context, info): unknown {
    const spending = spendingOf(context);
    if (spending === undefined) return resolve(source, args, context, info);
    try {
      const turn = spending.enter();
      if (turn !== null) return turn.then(() => meteredResolve(source, args, context, info));
      const result = resolve(source, args, context, info);
      return isThenable(result)
        ? result.then((value) => resolved(spending, info, value))
        : resolved(spending, info, result);
    } catch (error) {
      return Promise.reject(error);
    }
  };

function resolved(spending: Spending, info: GraphQLResolveInfo, value: unknown): unknown {
  if (isMutationField(info)) spending.applied.push(String(info.path.key));
  return spending.count(value);
}

const meteredSchemas = new WeakSet<GraphQLSchema>();

/**
 * Meters every field of the schema that has a resolver (both executors call them; fields read straight
 * off their parent are counted with it). Done in place, once per schema.
 */
export function meterSchema(schema: GraphQLSchema): void {
  if (meteredSchemas.has(schema)) return;
  meteredSchemas.add(schema);
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields())) if (field.resolve) field.resolve = metered(field.resolve);
  }
}

/** The longest a number is as JSON text, -1.7976931348623157e+308. */
const NUMBER_TEXT_AT_MOST = 24;

/**
 * The length of `value` as JSON, or Infinity as soon as it passes `limit`. With `bound`, at least that length,
 * read without scanning a string (three UTF-8 bytes per UTF-16 unit) or writing a number.
 */
export function jsonBytesUpTo(value: unknown, limit: number, bound = false): number {
  const textBytes = bound ? (text: string) => 3 * text.length : (text: string) => Buffer.byteLength(text);
  let bytes = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next === 'string') bytes += textBytes(next) + 2;
    else if (typeof next === 'number') bytes += bound ? NUMBER_TEXT_AT_MOST : String(next).length;
    else if (typeof next === 'boolean') bytes += next ? 4 : 5;
    else if (next === null || next === undefined) bytes += 4;
    else if (Array.isArray(next)) {
      bytes += 1 + next.length;
      for (const item of next) stack.push(item);
    } else if (typeof next === 'object') {
      bytes += 1;
      for (const key in next) {
        if (!Object.hasOwn(next, key)) continue;
        bytes += textBytes(key) + 4;
        stack.push((next as Record<string, unknown>)[key]);
      }
    }
    if (bytes > limit) return Infinity;
  }
  return bytes;
}

/** Whether `value` as JSON passes `limit`: a bound read without scanning strings decides most answers, the exact length the rest. */
export const jsonPasses = (value: unknown, limit: number): boolean =>
  jsonBytesUpTo(value, limit, true) > limit && jsonBytesUpTo(value, limit) > limit;

/** The reason `answered` aborts with: abort() without one builds a DOMException, stack trace and all, per operation. */
const ANSWERED = new Error('The operation has been answered.');

const refusal = (error: BudgetExceededError, applied: readonly string[] = []): ExecutionResult => ({
  errors: [applied.length === 0 ? error : new BudgetExceededError(error.budget, error.limit, applied)],
  data: null,
});

/**
 * Gives each operation a budget of resolved objects, answer bytes and time. Over any of them, the
 * operation stops (every further resolver refuses at once; past the time, a query's answer goes out without
 * waiting for the rest) and the client gets EXECUTION_BUDGET_EXCEEDED instead of any data. A mutation is
 * never answered while a write is still under way: no further write starts once it is over budget, and
 * the error lists in `applied` the fields whose writes were done.
 */
export function useExecutionBudget(limits: ExecutionBudget): Plugin {
  return {
    onSchemaChange: ({ schema }) => meterSchema(schema),
    onExecute: ({ args, executeFn, setExecuteFn }) => {
      const spending = new Spending(limits);
      Object.defineProperty(args.contextValue, BUDGET, { value: spending, configurable: true });
      const mutation = getOperationAST(args.document, args.operationName)?.operation === 'mutation';
      if (mutation)
        setExecuteFn((executionArgs) => {
          spending.begin();
          return executeFn(executionArgs);
        });
      else
        setExecuteFn((executionArgs) => {
          spending.begin();
          const client = (executionArgs.contextValue as { request?: Request } | undefined)?.request?.signal;
          let timer: NodeJS.Timeout | undefined;
          let stop = () => {};
          const overtime = new Promise<ExecutionResult>((resolve) => {
            stop = () => {
              spending.exceeded ??= new BudgetExceededError('time', limits.timeMs);
              resolve(refusal(spending.exceeded));
            };
            timer = setTimeout(stop, spending.remainingMs());
          });
          // A query whose client went away stops at once, as one past its time does: nobody reads its answer.
          client?.addEventListener('abort', stop, { once: true });
          if (client?.aborted) stop();
          const execution = Promise.resolve(executeFn(executionArgs));
          return Promise.race([execution, overtime]).finally(() => {
            clearTimeout(timer);
            client?.removeEventListener('abort', stop);
            spending.answered.abort(ANSWERED);
          }) as ReturnType<typeof executeFn>;
        });
      return {
        onExecuteDone: ({ result, setResult }) => {
          if (Symbol.asyncIterator in result) return;
          if (spending.exceeded !== null) return setResult(refusal(spending.exceeded, spending.applied));
          if (jsonPasses(result, limits.bytes))
            setResult(refusal(new BudgetExceededError('bytes', limits.bytes), spending.applied));
        },
      };
    },
  };
}
