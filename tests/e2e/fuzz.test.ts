import { beforeAll, expect, it } from 'vitest';
import { Random } from '../../src/generate/random.js';
import { createDramaYoga, type DramaYoga } from '../../src/yoga.js';
import { describeEachStore } from '../support/each-store.js';
import { ILL_FORMED_STRINGS, VERBATIM_STRINGS } from '../support/fuzz/hostile.js';
import { type Inspection, inspect } from '../support/fuzz/inspect.js';
import { type FuzzRequest, fuzzRequest } from '../support/fuzz/requests.js';
import { snapshot } from '../support/fuzz/snapshot.js';
import { readCatalog, readTexts, removeTexts, writeCatalog, writeStory } from '../support/fuzz/verbatim.js';
import { issueTokens } from '../support/tokens.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_124);
const REQUESTS = 1_200;
const CONCURRENCY = 8;
const issued = issueTokens({ admin: ['admin'], reader: ['write:catalog'] });

function generate(seed: number): FuzzRequest[] {
  const random = new Random(seed);
  return Array.from({ length: REQUESTS }, () => fuzzRequest(random, issued.bearer));
}

async function sendAll(yoga: DramaYoga, requests: FuzzRequest[]): Promise<(Inspection & { family: string })[]> {
  const results: (Inspection & { family: string })[] = [];
  for (let i = 0; i < requests.length; i += CONCURRENCY) {
    const batch = requests.slice(i, i + CONCURRENCY);
    const inspected = await Promise.all(
      batch.map(async (request) => ({
        family: request.family,
        ...(await inspect(await yoga.fetch(request.url, request.init))),
      })),
    );
    results.push(...inspected);
  }
  return results;
}

const tally = (values: string[]) =>
  Object.fromEntries([...new Set(values)].sort().map((value) => [value, values.filter((v) => v === value).length]));

describeEachStore('hostile and malformed requests', (current) => {
  let yoga: DramaYoga;
  let before: unknown;
  beforeAll(async () => {
    yoga = createDramaYoga({ store: current().store, graphiql: false, tokens: issued.tokens });
    before = await snapshot(yoga, current().store);
  });

  it(`answers ${REQUESTS} of them (seed ${SEED}) with coded errors, never a 500 or a leak, and changes nothing`, async () => {
    const results = await sendAll(yoga, generate(SEED));
    console.log(`fuzz [${current().store.kind}] seed ${SEED}: ${results.length} requests`, {
      statuses: tally(results.map((r) => String(r.status))),
      codes: tally(results.flatMap((r) => r.codes)),
      writeResults: tally(results.flatMap((r) => r.writeResults)),
      families: tally(results.map((r) => r.family)),
    });
    expect(results.filter((r) => r.status >= 500)).toEqual([]);
    expect(results.filter((r) => r.codes.includes('INTERNAL_SERVER_ERROR'))).toEqual([]);
    expect(results.flatMap((r) => r.uncoded.map((message) => `${r.family}: ${message}`))).toEqual([]);
    expect(results.flatMap((r) => r.leaks)).toEqual([]);
    expect(
      results.flatMap((r) => r.writeResults).filter((typename) => /^(Upsert|ImportBatch)\w*Success$/.test(typename)),
    ).toEqual([]);
    expect((await yoga.fetch('http://drama.test/health')).status).toBe(200);
    expect(await snapshot(yoga, current().store)).toEqual(before);
  }, 120_000);

  it('stores hostile but valid text verbatim, reads it back exactly, and deletes it again', async () => {
    const admin = issued.bearer('admin');
    const [title] = VERBATIM_STRINGS;
    const written = [
      ...(await writeCatalog(yoga, admin, title!)),
      ...(await writeStory(yoga, admin, VERBATIM_STRINGS)),
    ];
    expect(written.filter((typename) => !typename.endsWith('Success'))).toEqual([]);
    expect(await readCatalog(yoga)).toEqual(Array(6).fill(title));
    const read = await readTexts(yoga, VERBATIM_STRINGS.length);
    expect(read.summaries).toEqual(VERBATIM_STRINGS);
    expect(read.characters).toEqual(VERBATIM_STRINGS.map((text, i) => [`Character ${i}`, text, text, text, text]));
    await removeTexts(yoga, admin);
    expect(await snapshot(yoga, current().store)).toEqual(before);
  }, 60_000);

  it('refuses text with lone surrogates, which a store could not keep verbatim, and writes nothing of it', async () => {
    const admin = issued.bearer('admin');
    expect(await writeCatalog(yoga, admin, 'A fine title')).toEqual([
      'UpsertSeriesSuccess',
      'UpsertEpisodeSuccess',
      'UpsertPersonSuccess',
    ]);
    expect(await writeCatalog(yoga, admin, ILL_FORMED_STRINGS[0]!)).toEqual(Array(3).fill('ValidationError'));
    expect(await writeStory(yoga, admin, ILL_FORMED_STRINGS)).toEqual(
      ILL_FORMED_STRINGS.flatMap(() => ['ValidationError', 'ValidationError']),
    );
    expect(await readCatalog(yoga)).toEqual(Array(6).fill('A fine title'));
    await removeTexts(yoga, admin);
    expect(await snapshot(yoga, current().store)).toEqual(before);
  });
});
