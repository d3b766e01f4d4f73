import { expect, it } from 'vitest';
import { createDramaYoga } from '../../src/yoga.js';
import { describeEachStore } from '../support/each-store.js';

const COSTLY = '{ allSeries(first: 99) { edges { node { characters { events { slug summary } } } } } }';

describeEachStore('a refused operation answers the same status every time', (current) => {
  const send = async (yoga: ReturnType<typeof createDramaYoga>, body: Record<string, unknown>, accept: string) => {
    const response = await yoga.fetch('http://drama.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
    return { status: response.status, codes: (json.errors ?? []).map((error) => error.extensions?.code), data: json.data };
  };

  for (const [accept, status] of [['application/graphql-response+json', 400], ['application/json', 200]] as const) {
    it(`COST_LIMIT_EXCEEDED is ${status} under ${accept}, from the first request of a fresh service on, without reading data`, async () => {
      const yoga = createDramaYoga({ store: current().store });
      const variants = [{ query: COSTLY }, { query: `query Named ${COSTLY}`, operationName: 'Named' }, { query: COSTLY, variables: JSON.parse('{"__proto__": {"x": 1}}') as Record<string, unknown> }];
      for (const body of variants) {
        const before = current().store.roundTrips;
        const answers = [];
        for (let round = 0; round < 3; round += 1) answers.push(await send(yoga, body, accept));
        expect(answers).toEqual(Array(3).fill({ status, codes: ['COST_LIMIT_EXCEEDED'], data: undefined }));
        expect(current().store.roundTrips - before).toBeLessThanOrEqual(1);
      }
    });
  }
});
