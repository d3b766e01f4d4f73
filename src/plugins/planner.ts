import type { Plugin } from 'graphql-yoga';
import type { PlannerMode } from '../config/settings.js';
import type { Context } from '../context.js';
import type { Logger } from '../logger.js';
import { planOperation } from '../reads/planner/plan.js';

/**
 * The query planner: before a query runs, each root field it covers (reads/planner) is read in one store request,
 * and the request's loaders are seeded with the answer, so the resolvers below it find what they load already
 * there and every rule of the loaders (spoilers, certainty, limits) applies as before. A planned read that fails
 * leaves its fields to the loaders.
 */
export function usePlanner(mode: PlannerMode, logger: Logger): Plugin<Context> {
  if (mode === 'off') return {};
  return {
    async onExecute({ args }) {
      const context = args.contextValue;
      if (context.loaderMode === 'off') return;
      const reads = planOperation({ ...args, progress: context.progress });
      const answers = await Promise.allSettled(reads.map((read) => context.store.readPlanned(read)));
      for (const answer of answers) {
        if (answer.status === 'fulfilled') context.loaders.prime(answer.value);
        else logger.debug({ err: answer.reason }, 'a planned read failed; its fields use the loaders');
      }
    },
  };
}
