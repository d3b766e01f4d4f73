import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, expect, it } from 'vitest';
import { inProcessSettings } from '../../src/config/settings.js';
import { Random } from '../../src/generate/random.js';
import { schema } from '../../src/graphql-schema.js';
import { createDramaYoga, type DramaYoga } from '../../src/yoga.js';
import { describeEachStore } from '../support/each-store.js';
import { type Inspection, inspect } from '../support/fuzz/inspect.js';
import { type SchemaOperation, schemaOperation } from '../support/fuzz/schema-operations.js';
import { snapshot } from '../support/fuzz/snapshot.js';
import { generatedCatalogue } from '../support/generated.js';
import { seed } from '../support/seeded.js';

/** `npm run fuzz -- --cases N --seed S` runs this file with these set. */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_130);
const CASES = Number(process.env.FUZZ_CASES ?? 10_000);
const CONCURRENCY = 8;
const HEALTH_BOUND_MS = 1_000;
/** What the run may leave on the heap once garbage is collected (parse, validation and jit caches are bounded, not empty). */
const HEAP_RETAINED_BOUND = 512 * 1024 * 1024;

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const heapAfterGc = async () => {
  for (let round = 0; round < 3; round += 1) {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return process.memoryUsage().heapUsed;
};
const BYTES_BUDGET = inProcessSettings().budget.bytes;
/** A refusal's envelope on top of the answer budget. */
const RESPONSE_BOUND = BYTES_BUDGET + 10_000;
const URL_BASE = 'http://drama.test';

interface Result extends Inspection {
  family: string;
  bytes: number;
  query: string;
}

function errorsOf(text: string): string {
  try {
    const body = JSON.parse(text) as { errors?: unknown; extensions?: unknown };
    return JSON.stringify({ errors: body.errors, extensions: body.extensions });
  } catch {
    return text;
  }
}

async function send(yoga: DramaYoga, operation: SchemaOperation): Promise<Result> {
  const { family, ...body } = operation;
  const response = await yoga.fetch(`${URL_BASE}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const inspection = await inspect(new Response(text, { status: response.status }));
  // Data is the catalogue's own text (story notes may read "at X ("); leaks are looked for in errors only.
  const { leaks } = await inspect(new Response(errorsOf(text), { status: response.status }));
  return { ...inspection, leaks, family, bytes: Buffer.byteLength(text), query: operation.query.slice(0, 300) };
}

/** Asks /health over and over (letting other work run in between) until stopped; the slowest answers and when. */
function healthWatch(yoga: DramaYoga, batch: () => number) {
  const stalls: { ms: number; batch: number }[] = [];
  let slowest = 0;
  let asked = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const status = (await yoga.fetch(`${URL_BASE}/health`)).status;
      const ms = performance.now() - started;
      asked += 1;
      slowest = Math.max(slowest, ms);
      if (status !== 200 || ms > HEALTH_BOUND_MS) stalls.push({ ms, batch: batch() });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { stalls, slowest, asked };
    },
  };
}

const tally = (values: string[]) =>
  Object.fromEntries([...new Set(values)].sort().map((value) => [value, values.filter((v) => v === value).length]));

/** Keeps CONCURRENCY operations in flight (a new one starts as soon as one ends); `onBatch` gets the index of each started one / CONCURRENCY. */
async function runBatches(yoga: DramaYoga, operations: SchemaOperation[], onBatch: (index: number) => void) {
  const results: Result[] = new Array(operations.length);
  let heapPeak = process.memoryUsage().heapUsed;
  let next = 0;
  const worker = async () => {
    while (next < operations.length) {
      const index = next;
      next += 1;
      onBatch(Math.floor(index / CONCURRENCY));
      // Answers from memory never leave the microtask queue: let timers (the /health watch) run between operations.
      await new Promise((resolve) => setImmediate(resolve));
      results[index] = await send(yoga, operations[index]!);
      if (index % (CONCURRENCY * 50) === 0) heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { results, heapPeak };
}

describeEachStore(
  'schema-aware fuzzing: valid and near-valid operations from the SDL (issue 11)',
  (current) => {
    let yoga: DramaYoga;
    let before: unknown;
    beforeAll(async () => {
      yoga = createDramaYoga({ store: current().store, graphiql: false });
      before = await snapshot(yoga, current().store);
    });

    it(`answers ${CASES} of them (seed ${SEED}) with coded errors or data, within budget, without stalling /health or writing`, async () => {
      const random = new Random(SEED);
      const operations = Array.from({ length: CASES }, () => schemaOperation(random, schema));
      let batch = 0;
      const heapBefore = await heapAfterGc();
      const watch = healthWatch(yoga, () => batch);
      const { results, heapPeak } = await runBatches(yoga, operations, (index) => {
        batch = index;
      });
      let health = await watch.stop();
      const heapRetained = (await heapAfterGc()) - heapBefore;
      if (health.stalls.length > 0) {
        // A busy machine can starve the whole process; a stall counts only if the same batches stall /health again.
        const again = healthWatch(yoga, () => batch);
        for (const stalled of new Set(health.stalls.map((s) => s.batch))) {
          batch = stalled;
          await runBatches(yoga, operations.slice(stalled * CONCURRENCY, (stalled + 1) * CONCURRENCY), () => undefined);
        }
        health = await again.stop();
      }
      console.log(`schema fuzz [${current().store.kind}] seed ${SEED}: ${results.length} cases`, {
        statuses: tally(results.map((r) => String(r.status))),
        codes: tally(results.flatMap((r) => r.codes)),
        families: tally(results.map((r) => r.family)),
        answeredWithData: results.filter((r) => r.codes.length === 0).length,
        largestResponseBytes: Math.max(...results.map((r) => r.bytes)),
        heapPeakGrowthMB: Math.round((heapPeak - heapBefore) / 1e6),
        heapRetainedMB: Math.round(heapRetained / 1e6),
        health: { asked: health.asked, slowestMs: Math.round(health.slowest) },
      });
      const show = (r: Result, what: unknown) => `${r.family} ${r.status} ${JSON.stringify(what)}: ${r.query}`;
      expect(results.filter((r) => r.status >= 500).map((r) => show(r, r.codes))).toEqual([]);
      expect(results.filter((r) => r.codes.includes('INTERNAL_SERVER_ERROR')).map((r) => show(r, r.codes))).toEqual([]);
      expect(results.filter((r) => r.uncoded.length > 0).map((r) => show(r, r.uncoded))).toEqual([]);
      expect(results.filter((r) => r.leaks.length > 0).map((r) => show(r, r.leaks))).toEqual([]);
      expect(results.filter((r) => r.bytes > RESPONSE_BOUND).map((r) => show(r, r.bytes))).toEqual([]);
      expect(results.flatMap((r) => r.writeResults).filter((typename) => typename.endsWith('Success'))).toEqual([]);
      expect(heapRetained).toBeLessThan(HEAP_RETAINED_BOUND);
      expect(health.stalls).toEqual([]);
      expect(health.asked).toBeGreaterThan(0);
      expect(await snapshot(yoga, current().store)).toEqual(before);
    }, 900_000);
  },
  async (store) => {
    // The seeds, and two generated series whose lists are long enough for cycles to amplify.
    await seed(store);
    await generatedCatalogue(2, 7)(store);
  },
);
