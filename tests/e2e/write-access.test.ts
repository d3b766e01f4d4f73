import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDramaResponseCache } from '../../src/plugins/response-cache.js';
import { errorCodes, graphql } from '../support/graphql.js';
import { type OpsService, opsService } from '../support/ops.js';
import { mutate, SOURCE, WRITERS } from '../support/writes.js';

const PERSON = '($input: UpsertPersonInput!)';
const CHARACTER = '($input: UpsertCharacterInput!)';
const person = { input: { slug: 'access-probe', name: 'Access Probe', source: SOURCE } };
const character = { input: { series: 'soundtrack-1', slug: 'access-probe', name: 'Access Probe', source: SOURCE } };

describe('who may write', () => {
  let service: OpsService;
  beforeAll(async () => {
    service = await opsService();
  });
  afterAll(() => service.dispose());
  const yoga = () => service.yoga({ tokens: WRITERS.tokens });

  it('refuses a write without a token with UNAUTHENTICATED, before touching the store', async () => {
    const before = service.store.roundTrips;
    const response = await mutate(yoga(), 'upsertPerson', PERSON, person, '', null);
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    expect(response.errors![0]!.message).toContain('write:catalog');
    expect(service.store.roundTrips).toBe(before);
  });

  it('refuses a token without the scope with FORBIDDEN, before touching the store', async () => {
    const before = service.store.roundTrips;
    const story = await mutate(yoga(), 'upsertPerson', PERSON, person, '', 'story');
    const catalog = await mutate(yoga(), 'upsertCharacter', CHARACTER, character, '', 'catalog');
    const cascade = await mutate(
      yoga(),
      'deleteSeries',
      '($slug: String!, $cascade: Boolean)',
      { slug: 'godspeed', cascade: true },
      '',
      'catalog',
    );
    const batch = await mutate(
      yoga(),
      'importBatch',
      '($document: JSONObject!)',
      { document: { format: 'drama-graph/seed@1' } },
      '',
      'story',
    );
    expect([story, catalog, cascade, batch].map(errorCodes)).toEqual([
      ['FORBIDDEN'],
      ['FORBIDDEN'],
      ['FORBIDDEN'],
      ['FORBIDDEN'],
    ]);
    expect(service.store.roundTrips).toBe(before);
  });

  it('lets each scope write its own kind of record, and admin write everything', async () => {
    expect((await mutate(yoga(), 'upsertPerson', PERSON, person, '', 'catalog')).data!.upsertPerson.__typename).toBe(
      'UpsertPersonSuccess',
    );
    expect(
      (await mutate(yoga(), 'upsertCharacter', CHARACTER, character, '', 'story')).data!.upsertCharacter.__typename,
    ).toBe('UpsertCharacterSuccess');
    expect(
      (await mutate(yoga(), 'upsertCharacter', CHARACTER, character, '', 'admin')).data!.upsertCharacter.__typename,
    ).toBe('UpsertCharacterSuccess');
  });

  it('keeps reads public', async () => {
    const response = await graphql(yoga(), '{ person(slug: "access-probe") { name } }');
    expect(response.data).toEqual({ person: { name: 'Access Probe' } });
  });
});

describe('the response cache and writes', () => {
  let service: OpsService;
  beforeAll(async () => {
    service = await opsService();
  });
  afterAll(() => service.dispose());

  it('serves a cached read until a write touches what it holds, then the fresh answer', async () => {
    const yoga = service.yoga({
      tokens: WRITERS.tokens,
      ops: { responseCacheTtlMs: 60_000 },
      responseCache: createDramaResponseCache(),
    });
    const read = () => graphql(yoga, '{ episode(series: "soundtrack-1", number: 1) { events { slug } } }');
    const first = await read();
    const trips = service.store.roundTrips;
    expect(await read()).toEqual(first);
    expect(service.store.roundTrips).toBe(trips);
    const input = {
      series: 'soundtrack-1',
      slug: 'cache-probe',
      episode: 1,
      sequence: 1,
      kind: 'MOMENT',
      summary: 'A new moment.',
      source: SOURCE,
    };
    const written = await mutate(yoga, 'upsertPlotEvent', '($input: UpsertPlotEventInput!)', { input });
    expect(written.data!.upsertPlotEvent.__typename).toBe('UpsertPlotEventSuccess');
    const fresh = await read();
    expect(fresh.data!.episode.events.map((e: { slug: string }) => e.slug)).toEqual([
      ...first.data!.episode.events.map((e: { slug: string }) => e.slug),
      'cache-probe',
    ]);
  });
});
