import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/auth/create-token.js';
import { postQuery, type RunningServer, startServerProcess, stopServerProcess } from '../support/server-process.js';
import {
  EVENTS_OF,
  eventWrite,
  expectedEvent,
  mutationOf,
  personWrite,
  SETUP_WRITES,
  variablesOf,
  type Write,
} from '../support/story-writes.js';

const SERIES = 'durable-proof';
const CONCURRENT = 25;
const SEQUENTIAL = 25;
const admin = createToken('admin', ['admin']);
const headers = { authorization: `Bearer ${admin.token}` };

const send = (server: RunningServer, write: Write) =>
  postQuery(server.url, mutationOf(write), variablesOf(write), headers).then(
    (body) => body.data?.[write.field]?.__typename as string | undefined,
  );

describe('the embedded store after kill -9 right after mutations were acknowledged', () => {
  let dataDir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'drama-graph-durable-'));
    env = { DATA_DIR: dataDir, NEO4J_URI: '', SEED_ON_START: 'false', DRAMA_TOKENS: JSON.stringify([admin.entry]) };
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it(`keeps every one of ${CONCURRENT} concurrent and ${SEQUENTIAL} sequential acknowledged writes, whole`, async () => {
    const first = await startServerProcess(env);
    for (const write of SETUP_WRITES(SERIES)) expect(await send(first, write)).toMatch(/Success$/);
    const concurrent = Array.from({ length: CONCURRENT }, (_, i) =>
      i % 2 === 0 ? eventWrite(SERIES, i + 1) : personWrite(i + 1),
    );
    const acknowledged = await Promise.all(concurrent.map((write) => send(first, write)));
    for (let n = CONCURRENT + 1; n <= CONCURRENT + SEQUENTIAL; n++)
      acknowledged.push(await send(first, eventWrite(SERIES, n)));
    await stopServerProcess(first, 'SIGKILL');
    expect(acknowledged.filter((typename) => !typename?.endsWith('Success'))).toEqual([]);

    const second = await startServerProcess(env);
    const eventNumbers = [
      ...concurrent.flatMap((write, i) => (write.field === 'upsertPlotEvent' ? [i + 1] : [])),
      ...Array.from({ length: SEQUENTIAL }, (_, i) => CONCURRENT + 1 + i),
    ];
    const events = (await postQuery(second.url, EVENTS_OF, { series: SERIES })).data.events;
    expect(events.totalCount).toBe(eventNumbers.length);
    expect(events.edges.map((edge: { node: unknown }) => edge.node)).toEqual(eventNumbers.map(expectedEvent));
    const people = concurrent.flatMap((write, i) => (write.field === 'upsertPerson' ? [i + 1] : []));
    for (const n of people)
      expect(
        (await postQuery(second.url, `{ person(slug: "proof-person-${n}") { name source { document } } }`)).data.person,
      ).toEqual({ name: `Proof Person ${n}`, source: { document: 'proof.md' } });
    expect(await stopServerProcess(second)).toBe(0);
  }, 120_000);
});
