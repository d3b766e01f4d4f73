import { afterEach, beforeEach, expect, it } from 'vitest';
import { createDramaYoga } from '../../src/yoga.js';
import { describeEachStore } from '../support/each-store.js';
import { graphql } from '../support/graphql.js';

/** Lists of non-null items whose fields are read through loaders (a promise each) and straight off the item. */
const EVENTS = `{ events(filter: { series: "soundtrack-1" }, first: 100) { edges { node { slug agent { name portrayedBy { name } } participants { role character { name portrayedBy { name } } } } } } }`;

/** Turns of the event loop: rejections nobody handled are reported after the microtasks of one turn. */
const turns = async (n: number) => {
  for (let i = 0; i < n; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

describeEachStore('A budget spent in the middle of a list', (current) => {
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => void unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', record);
  });
  afterEach(() => void process.off('unhandledRejection', record));

  // Red team: the built service died on an unhandled rejection. graphql-js 16 abandons the promises of a list's
  // earlier items when a later one fails at once, and once over budget every later resolver refused at once.
  for (const executor of ['jit', 'graphql-js'] as const) {
    it(`answers EXECUTION_BUDGET_EXCEEDED at every point a list can be cut, and leaves no rejection unhandled (${executor})`, async () => {
      const whole = await graphql(createDramaYoga({ store: current().store, graphiql: false }), EVENTS);
      expect(whole.errors).toBeUndefined();
      let refused = 0;
      for (let objects = 1; objects <= 120; objects += 1) {
        const yoga = createDramaYoga({
          store: current().store,
          graphiql: false,
          ops: { executor, budget: { objects, bytes: 1e12, timeMs: 1e9 } },
        });
        const answer = await graphql(yoga, EVENTS);
        if (answer.errors === undefined) continue;
        refused += 1;
        expect(answer.data).toBeNull();
        expect(answer.errors).toEqual([
          expect.objectContaining({
            extensions: { code: 'EXECUTION_BUDGET_EXCEEDED', budget: 'objects', limit: objects },
          }),
        ]);
      }
      // The whole answer is over 120 objects: every budget tried cuts it somewhere.
      expect(refused).toBe(120);
      await turns(5);
      expect(unhandled).toEqual([]);
    });
  }
});
