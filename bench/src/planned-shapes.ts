import { parseArgs } from 'node:util';
import { openEmbeddedStore } from '../../src/store/embedded/index.js';
import { openNeo4jStore } from '../../src/store/neo4j/index.js';
import type { DramaStore } from '../../src/store/port.js';
import { createDramaYoga, type DramaYoga } from '../../src/yoga.js';
import { OPERATIONS } from './operations.js';

/*
 * The shapes the query planner covers beyond ops 1–3, in process (no HTTP), planner on and off in turn on one store:
 * that both answer the same bytes, their store round trips and p50 latency. Run it on an imported catalogue:
 *   tsx bench/src/planned-shapes.ts --data DATA_DIR          (embedded)
 *   NEO4J_URI=… NEO4J_PASSWORD=… tsx bench/src/planned-shapes.ts --neo4j
 */

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    neo4j: { type: 'boolean', default: false },
    requests: { type: 'string', default: '200' },
  },
});
const requests = Number(values.requests);
if (!Number.isInteger(requests) || requests < 1) throw new Error('--requests takes a whole number ≥ 1');
if (!values.neo4j && values.data === undefined) throw new Error('give --data DATA_DIR (embedded) or --neo4j');

const store: DramaStore = values.neo4j
  ? await openNeo4jStore({
      uri: process.env.NEO4J_URI ?? '',
      user: process.env.NEO4J_USER ?? 'neo4j',
      password: process.env.NEO4J_PASSWORD ?? '',
      database: process.env.NEO4J_DATABASE ?? 'neo4j',
    })
  : await openEmbeddedStore({ dataDir: values.data! });

/** Keys with long lists: the middle series, its character in the most relationships, the person cast most often. */
async function pickKeys() {
  const all = (await store.listSeries({ first: 100, afterSlug: null })).items;
  const series = all[Math.floor(all.length / 2)]!.key;
  const [relationships] = await store.relationshipsOfSeries([series]);
  const ends = new Map<string, number>();
  for (const r of relationships!) for (const key of [r.fromKey, r.toKey]) ends.set(key, (ends.get(key) ?? 0) + 1);
  const character = [...ends].sort((a, b) => b[1] - a[1])[0]![0];
  const people = await store.listPeople({ first: 400, afterKey: null });
  const castings = await store.castingsByPerson(people.map((p) => p.key));
  const person = people[castings.reduce((best, list, i) => (list.length > castings[best]!.length ? i : best), 0)]!.key;
  return { series, character: character.slice(series.length + 1), person };
}

const keys = await pickKeys();
const op = (n: number) => OPERATIONS.find((o) => o.number === n)!.document;
const SHAPES: [string, string, Record<string, unknown>][] = [
  ['op 2 series page', op(2), { slug: keys.series }],
  ['op 3 standing', op(3), { series: keys.series, slug: keys.character, asOf: 8 }],
  [
    'person with castings and credits',
    `query ($slug: String!) { person(slug: $slug) { name
      castings { billing character { name firstEpisode portrayedBy { name } } series { title } }
      credits { role series { title } } } }`,
    { slug: keys.person },
  ],
  [
    'allSeries page of 20, cast and crew',
    `query { allSeries(first: 20) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { slug title
      cast { billing person { name } character { name } } crew { role person { name } } } } } }`,
    {},
  ],
  [
    'character with its players and its ends’ players',
    `query ($series: String!, $slug: String!) { character(series: $series, slug: $slug) { name portrayedBy { name }
      relationships(asOfEpisode: 8) { kind from { name portrayedBy { name } } to { name portrayedBy { name } } } } }`,
    { series: keys.series, slug: keys.character },
  ],
];

const yogas: Record<'on' | 'off', DramaYoga> = {
  on: createDramaYoga({ store, graphiql: false, ops: { planner: 'on' } }),
  off: createDramaYoga({ store, graphiql: false, ops: { planner: 'off' } }),
};

async function send(mode: 'on' | 'off', query: string, variables: Record<string, unknown>) {
  const before = store.roundTrips;
  const started = performance.now();
  const response = await yogas[mode].fetch('http://bench.local/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.text();
  return { ms: performance.now() - started, trips: store.roundTrips - before, body };
}

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(
  `keys: ${JSON.stringify(keys)}; ${requests} requests each way, interleaved, after ${requests / 4} discarded`,
);
console.log(
  '| shape | round trips planned / unplanned | p50 ms planned / unplanned | ratio | answer bytes | same bytes |',
);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const [name, query, variables] of SHAPES) {
  const planned = await send('on', query, variables);
  const unplanned = await send('off', query, variables);
  for (let i = 0; i < requests / 4; i += 1)
    for (const mode of ['on', 'off'] as const) await send(mode, query, variables);
  const times = { on: [] as number[], off: [] as number[] };
  for (let i = 0; i < requests; i += 1)
    for (const mode of ['on', 'off'] as const) times[mode].push((await send(mode, query, variables)).ms);
  const [a, b] = [p50(times.on), p50(times.off)];
  const same = planned.body === unplanned.body && !planned.body.includes('"errors"');
  console.log(
    `| ${name} | ${planned.trips} / ${unplanned.trips} | ${a.toFixed(2)} / ${b.toFixed(2)} | ${(a / b).toFixed(2)}x | ${planned.body.length} | ${same ? 'yes' : 'NO'} |`,
  );
}
await store.close();
