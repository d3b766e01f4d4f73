import { readFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ExecutorName, PERSISTED_OPERATIONS_FILE } from '../../src/config/settings.js';
import { loadExamples } from '../../src/examples.js';
import { Random } from '../../src/generate/random.js';
import type { DramaStore } from '../../src/store/port.js';
import { createDramaYoga, type DramaYoga } from '../../src/yoga.js';
import { type FuzzRequest, fuzzRequest } from '../support/fuzz/requests.js';
import { seed } from '../support/seeded.js';
import { type StoreHandle, storeFactories } from '../support/stores.js';
import { issueTokens } from '../support/tokens.js';

const FUZZ_REQUESTS = 400;
const issued = issueTokens({ admin: ['admin'], reader: ['write:catalog'] });
const handles: StoreHandle[] = [];
/** Each executor with the query planner on, and graphql-js with it off: the loaders alone. */
type Variant = ExecutorName | 'unplanned';
const services = {} as Record<Variant, DramaYoga>;

beforeAll(async () => {
  for (const variant of ['jit', 'graphql-js', 'unplanned'] as const) {
    const handle = await storeFactories()
      .find((f) => f.kind === 'embedded')!
      .open();
    handles.push(handle);
    await seed(handle.store);
    services[variant] = createDramaYoga({
      store: handle.store,
      graphiql: false,
      tokens: issued.tokens,
      ops: variant === 'unplanned' ? { executor: 'graphql-js', planner: 'off' } : { executor: variant, planner: 'on' },
    });
  }
});
afterAll(() => Promise.all(handles.map((h) => h.dispose())));

const post = (query: string, variables?: Record<string, unknown>): FuzzRequest => ({
  family: 'document',
  url: 'http://drama.test/graphql',
  init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) },
});

async function answerOf(yoga: DramaYoga, request: FuzzRequest) {
  const response = await yoga.fetch(request.url, request.init);
  return { status: response.status, body: await response.text() };
}

/** A document of queries only: sending it twice writes nothing. */
function readOnly(request: FuzzRequest): boolean {
  try {
    const { query } = JSON.parse(String(request.init.body)) as { query?: unknown };
    if (typeof query !== 'string') return false;
    return parse(query).definitions.every(
      (definition) => definition.kind !== Kind.OPERATION_DEFINITION || definition.operation === 'query',
    );
  } catch {
    return false;
  }
}

/**
 * Sends each request to every service in turn, so that writes land on every store in the same order. graphql-jit
 * compiles a document the second time it sees it: a read is sent to it twice, and both answers must agree.
 */
async function expectSameAnswers(requests: FuzzRequest[]): Promise<number> {
  let withData = 0;
  for (const request of requests) {
    const first = await answerOf(services.jit, request);
    const compiled = readOnly(request) ? await answerOf(services.jit, request) : first;
    expect(compiled, `compiled: ${String(request.init.body).slice(0, 300)}`).toEqual(first);
    const interpreted = await answerOf(services['graphql-js'], request);
    const unplanned = await answerOf(services.unplanned, request);
    const shown = `${request.family}: ${String(request.init.body).slice(0, 300)}`;
    expect(compiled, shown).toEqual(interpreted);
    expect(interpreted, shown).toEqual(unplanned);
    if (compiled.body.includes('"data":{')) withData += 1;
  }
  return withData;
}

it('answers every example and persisted operation byte for byte as graphql-js does', async () => {
  const persisted = Object.values(
    JSON.parse(readFileSync(PERSISTED_OPERATIONS_FILE, 'utf8')) as Record<string, string>,
  );
  const documents = [...loadExamples().map((example) => example.document), ...persisted];
  expect(documents.length).toBeGreaterThan(10);
  expect(await expectSameAnswers(documents.map((document) => post(document)))).toBe(documents.length);
});

it('answers fields after a fragment in the order asked, as Apollo Client and urql print every query with fragments', async () => {
  await expectSameAnswers([
    post('{ node(id: "Q2hhcmFjdGVyOnNvdW5kdHJhY2stMS93b28taWw=") { ... on Character { name } id __typename } }'),
    post(
      '{ series(slug: "soundtrack-1") { ... on Series { title } slug characters { ... on Character { name } id } } }',
    ),
  ]);
});

it('answers errors the same: unknown records, bad variables, refused writes, errors on later lines', async () => {
  const requests = [
    post(
      '# a comment\r\nquery Later {\r\n  series(slug: "soundtrack-1") { title }\n\n  events(first: 101) { totalCount }\r  search(query: "") { score }\n}',
    ),
    post('query ($slug: String!) { series(slug: $slug) { title } }', { slug: 'no-such-series' }),
    post('query ($n: Int!) { series(slug: "soundtrack-1") { episode(number: $n) { title } } }', { n: 'four' }),
    post('query ($first: Int) { events(first: $first) { totalCount } }', { first: 5000 }),
    post('{ node(id: "not-a-global-id") { id } }'),
    post('mutation { deleteSeries(slug: "soundtrack-1") { __typename } }'),
  ];
  await expectSameAnswers(requests);
});

it('masks an unexpected store failure the same way', async () => {
  const failing = (store: DramaStore) =>
    new Proxy(store, {
      get: (target, property, receiver) =>
        property === 'findEvents' || property === 'readPlanned'
          ? () => Promise.reject(new Error('disk on fire'))
          : Reflect.get(target, property, receiver),
    });
  const request = post('{ series(slug: "soundtrack-1") { title } events(first: 3) { totalCount } }');
  const answers = await Promise.all(
    (['on', 'off'] as const).flatMap((planner) =>
      (['jit', 'graphql-js'] as const).map((executor) =>
        answerOf(createDramaYoga({ store: failing(handles[0]!.store), ops: { executor, planner } }), request),
      ),
    ),
  );
  for (const answer of answers.slice(1)) expect(answer).toEqual(answers[0]);
  expect(answers[0]!.body).toContain('INTERNAL_SERVER_ERROR');
  expect(answers[0]!.body).not.toContain('disk on fire');
});

it(`answers ${FUZZ_REQUESTS} hostile and malformed requests the same, writes included`, async () => {
  const random = new Random(20_261_124);
  const requests = Array.from({ length: FUZZ_REQUESTS }, () => fuzzRequest(random, issued.bearer));
  expect(await expectSameAnswers(requests)).toBeGreaterThan(FUZZ_REQUESTS / 10);
});

it('answers fields aliased __proto__, constructor and other Object keys the same once graphql-jit has compiled the document', async () => {
  const query = `query ($n: Int!) {
    __proto__: episode(series: "soundtrack-1", number: $n) { __proto__: number constructor: title toString: isFinale }
    series(slug: "soundtrack-1") { hasOwnProperty: title valueOf: episodeCount __proto__: slug }
  }`;
  const withKeys = await expectSameAnswers([1, 2, 3].map((n) => post(query, { n })));
  expect(withKeys).toBe(3);
  const answer = JSON.parse((await answerOf(services.jit, post(query, { n: 2 }))).body) as { data: object };
  expect(JSON.stringify(answer.data)).toContain('"__proto__":{"__proto__":2,');
  expect(Object.keys((answer.data as { series: object }).series)).toEqual(['hasOwnProperty', 'valueOf', '__proto__']);
});
