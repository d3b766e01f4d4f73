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
    return {
      status: response.status,
      codes: (json.errors ?? []).map((error) => error.extensions?.code),
      data: json.data,
    };
  };

  for (const [accept, status] of [
    ['application/graphql-response+json', 400],
    ['application/json', 200],
  ] as const) {
    it(`COST_LIMIT_EXCEEDED is ${status} under ${accept}, from the first request of a fresh service on, without reading data`, async () => {
      const yoga = createDramaYoga({ store: current().store });
      const variants = [
        { query: COSTLY },
        { query: `query Named ${COSTLY}`, operationName: 'Named' },
        { query: COSTLY, variables: JSON.parse('{"__proto__": {"x": 1}}') as Record<string, unknown> },
      ];
      for (const body of variants) {
        const before = current().store.roundTrips;
        const answers = [];
        for (let round = 0; round < 3; round += 1) answers.push(await send(yoga, body, accept));
        expect(answers).toEqual(Array(3).fill({ status, codes: ['COST_LIMIT_EXCEEDED'], data: undefined }));
        expect(current().store.roundTrips - before).toBeLessThanOrEqual(1);
      }
    });

    it(`OPERATION_RESOLUTION_FAILURE is ${status} under ${accept}: an operationName the document does not name`, async () => {
      const yoga = createDramaYoga({ store: current().store });
      const TWO = 'query A1 { series(slug: "godspeed") { title } } query B1 { series(slug: "soundtrack-1") { title } }';
      const cases = [
        { query: TWO, operationName: 'C1' },
        { query: TWO, operationName: '__proto__' },
        { query: TWO, operationName: 'ë'.repeat(10_000) },
        { query: TWO },
        { query: '{ series(slug: "godspeed") { title } }', operationName: 'Named' },
      ];
      for (const body of cases) {
        for (let round = 0; round < 2; round += 1) {
          expect(await send(yoga, body, accept)).toEqual({
            status,
            codes: ['OPERATION_RESOLUTION_FAILURE'],
            data: undefined,
          });
        }
      }
      expect(await send(yoga, { query: TWO, operationName: 'B1' }, accept)).toEqual({
        status: 200,
        codes: [],
        data: { series: { title: 'Soundtrack #1' } },
      });
    });
  }
});
