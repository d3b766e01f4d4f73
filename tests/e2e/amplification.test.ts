import { beforeAll, expect, it } from 'vitest';
import type { OpsSettings } from '../../src/config/settings.js';
import { createDramaYoga, type DramaYoga } from '../../src/yoga.js';
import { describeEachStore } from '../support/each-store.js';
import { generatedCatalogue } from '../support/generated.js';
import { post, URL_BASE } from '../support/ops.js';

/** `series → characters → series → characters …`, `levels` times, ending in a slug: within the depth limit. */
const cycle = (levels: number, leaf = 'slug') =>
  `${'characters { series { '.repeat(levels)}${leaf}${' } }'.repeat(levels)}`;
const SLUG = 'generated-0001';

interface Answer {
  status: number;
  bytes: number;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function send(yoga: DramaYoga, query: string, variables?: Record<string, unknown>): Promise<Answer> {
  const response = await yoga.fetch(`${URL_BASE}/graphql`, post({ query, variables }));
  const text = await response.text();
  return { status: response.status, bytes: text.length, body: JSON.parse(text) };
}

const codes = (answer: Answer) => (answer.body.errors ?? []).map((error) => error.extensions?.code);

/** Cost is refused before execution; anything that slips past it is stopped by the execution budget. */
function refusedOrStopped(answer: Answer): void {
  expect(codes(answer).length).toBeGreaterThan(0);
  expect(codes(answer).every((code) => code === 'COST_LIMIT_EXCEEDED' || code === 'EXECUTION_BUDGET_EXCEEDED')).toBe(
    true,
  );
  expect(answer.body.data ?? null).toBeNull();
  expect(answer.bytes).toBeLessThan(2_000);
}

const ATTACKS: Record<string, [string, Record<string, unknown>?]> = {
  'the cycle': [`{ series(slug: "${SLUG}") { ${cycle(4)} } }`],
  'the cycle under allSeries': [`{ allSeries(first: 100) { edges { node { ${cycle(3)} } } } }`],
  'two aliases of the cycle': [
    `{ a: series(slug: "${SLUG}") { ${cycle(3)} } b: series(slug: "${SLUG}") { ${cycle(3)} } }`,
  ],
  'the cycle through fragments': [
    `{ series(slug: "${SLUG}") { a: characters { ...C } b: characters { ...C } c: characters { ...C } } }
     fragment C on Character { series { characters { series { characters { name } } } } }`,
  ],
  'the cycle with variables': [
    `query Q($slug: String!, $first: Int) { allSeries(first: $first) { edges { node { ${cycle(3)} } } } again: series(slug: $slug) { ${cycle(3)} } }`,
    { slug: SLUG, first: 100 },
  ],
  'the cycle through events': [
    `{ series(slug: "${SLUG}") { characters { events { participants { character { events { participants { character { slug } } } } } } } } }`,
  ],
};

describeEachStore(
  'amplifying cycles on a generated catalogue (issue 11, defect 1)',
  (current) => {
    let yoga: DramaYoga;
    beforeAll(() => {
      yoga = createDramaYoga({ store: current().store, graphiql: false });
    });
    const budgeted = (ops: Partial<OpsSettings>) => createDramaYoga({ store: current().store, graphiql: false, ops });

    for (const [name, [query, variables]] of Object.entries(ATTACKS)) {
      it(`refuses ${name} with a coded error, before or during execution, and answers little`, async () => {
        refusedOrStopped(await send(yoga, query, variables));
      });
    }

    it('refuses a fragment cycle with a coded validation error', async () => {
      const answer = await send(
        yoga,
        `{ series(slug: "${SLUG}") { ...S } } fragment S on Series { characters { series { ...S } } }`,
      );
      expect(answer.status).toBe(400);
      expect(codes(answer)).toContain('GRAPHQL_VALIDATION_FAILED');
    });

    it('refuses over the cost with COST_LIMIT_EXCEEDED, saying the cost and the limit, before any store round trip', async () => {
      const before = current().store.roundTrips;
      const answer = await send(yoga, ATTACKS['the cycle']![0]);
      expect(answer.status).toBe(400);
      expect(codes(answer)).toEqual(['COST_LIMIT_EXCEEDED']);
      const [error] = answer.body.errors!;
      expect(error!.message).toMatch(/up to \d+ fields, over the limit of 50000/);
      expect(error!.extensions).toMatchObject({ limit: 50_000, cost: expect.any(Number) });
      expect(error!.extensions!.cost as number).toBeGreaterThan(50_000);
      expect(current().store.roundTrips).toBe(before);
    });

    it('counts a list reached through another series by the longest the store holds: one level of the cycle costs the most characters per series', async () => {
      const sizes = await current().store.listSizes();
      expect(sizes.charactersPerSeries).toBeGreaterThan(10);
      const limit = 1 + sizes.charactersPerSeries * 3;
      const ops = { limits: { depth: 10, aliases: 15, tokens: 1000, cost: limit, bodyBytes: 100_000 } };
      const one = await send(budgeted(ops), `{ series(slug: "${SLUG}") { characters { slug name } } }`);
      expect(one.body.errors).toBeUndefined();
      const two = await send(budgeted(ops), `{ series(slug: "${SLUG}") { ${cycle(2)} } }`);
      expect(codes(two)).toEqual(['COST_LIMIT_EXCEEDED']);
    });

    /** Sends `query` and asks /health, one request after another, until it is answered; the slowest /health and the answer. */
    async function whileRunning(
      query: string,
    ): Promise<{ slowestHealthMs: number; healthAnswers: number; answer: Answer }> {
      let finished = false;
      const running = send(yoga, query).finally(() => {
        finished = true;
      });
      let slowestHealthMs = 0;
      let healthAnswers = 0;
      do {
        const asked = performance.now();
        expect((await yoga.fetch(`${URL_BASE}/health`)).status).toBe(200);
        slowestHealthMs = Math.max(slowestHealthMs, performance.now() - asked);
        healthAnswers += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
      } while (!finished);
      return { slowestHealthMs, healthAnswers, answer: await running };
    }

    it("keeps /health answering within the issue's 1 s while the cycle, or the heaviest operation the limits allow, runs", async () => {
      const heavy = (aliases: number) =>
        `{ ${Array.from({ length: aliases }, (_, i) => `a${i}: series(slug: "${SLUG}") { ${cycle(2, 'slug title')} }`).join(' ')} }`;
      let aliases = 15;
      while (aliases > 1 && codes(await send(yoga, heavy(aliases))).includes('COST_LIMIT_EXCEEDED')) aliases -= 1;
      for (const query of [ATTACKS['the cycle']![0], heavy(aliases)]) {
        const { slowestHealthMs, healthAnswers, answer } = await whileRunning(query);
        expect(healthAnswers).toBeGreaterThan(0);
        expect(slowestHealthMs).toBeLessThan(1_000);
        if (codes(answer).length > 0)
          expect(codes(answer)).toEqual([expect.stringMatching(/^(COST_LIMIT|EXECUTION_BUDGET)_EXCEEDED$/)]);
        expect(answer.bytes).toBeLessThan(2_000_000);
      }
    });

    for (const executor of ['jit', 'graphql-js'] as const) {
      const unlimited = { depth: 10, aliases: 15, tokens: 1000, cost: 1e12, bodyBytes: 100_000 };
      for (const [budget, limits] of [
        ['objects', { objects: 2_000, bytes: 1e12, timeMs: 1e9 }],
        ['bytes', { objects: 1e12, bytes: 50_000, timeMs: 1e9 }],
        ['time', { objects: 1e12, bytes: 1e12, timeMs: 0 }],
      ] as const) {
        it(`stops the cycle past its ${budget} budget with EXECUTION_BUDGET_EXCEEDED and no data (${executor})`, async () => {
          const stopping = budgeted({ executor, limits: unlimited, budget: limits });
          const answer = await send(stopping, `{ series(slug: "${SLUG}") { ${cycle(3, 'slug title')} } }`);
          expect(answer.status).toBe(200);
          expect(answer.body).toEqual({
            data: null,
            errors: [
              {
                message: expect.stringContaining('over its budget'),
                extensions: { code: 'EXECUTION_BUDGET_EXCEEDED', budget, limit: expect.any(Number) },
              },
            ],
          });
        });
      }

      it(`answers the same cycle in full within a budget that fits it (${executor})`, async () => {
        const answer = await send(
          budgeted({ executor, limits: unlimited }),
          `{ series(slug: "${SLUG}") { ${cycle(2)} } }`,
        );
        expect(answer.body.errors).toBeUndefined();
        expect(answer.body.data).toMatchObject({ series: { characters: expect.any(Array) } });
      });
    }
  },
  generatedCatalogue(2, 7),
);
