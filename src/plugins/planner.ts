import type { ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { PlannerMode } from '../config/settings.js';
import type { Context } from '../context.js';
import type { Logger } from '../logger.js';
import { planOperation } from '../reads/planner/plan.js';
import { budgetSignal } from './budget.js';

/**
 * The query planner: as a query starts executing, each root field it covers (reads/planner) is read in one store
 * request, and the request's loaders are seeded with the answer, so the resolvers below it find what they load
 * already there and every rule of the loaders (spoilers, certainty, limits) applies as before. A planned read
 * that fails leaves its fields to the loaders. It runs inside the executor it wraps, so list it before the
 * execution budget: the budget's time then counts the planned reads too, and once the budget has answered, the
 * reads stop and their answers are dropped.
 */
export function usePlanner(mode: PlannerMode, logger: Logger): Plugin<Context> {
  if (mode === 'off') return {};
  const prefetch = async (args: ExecutionArgs) => {
    const context = args.contextValue as Context;
    if (context.loaderMode === 'off') return;
    const reads = planOperation({ ...args, progress: context.progress });
    const signal = budgetSignal(context);
    const answers = await Promise.allSettled(reads.map((read) => context.store.readPlanned(read, signal)));
    if (signal?.aborted) return;
    for (const answer of answers) {
      if (answer.status === 'fulfilled') context.loaders.prime(answer.value);
      else logger.debug({ err: answer.reason }, 'a planned read failed; its fields use the loaders');
    }
  };
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn(async (args) => {
        await prefetch(args);
        return executeFn(args);
      });
    },
  };
}
