import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  APOLLO_MANIFEST_FILE,
  buildApolloManifest,
  buildCommittedList,
  renderJson,
} from '../../scripts/persisted-lists.js';
import { operationId } from '../../src/config/persisted-operations.js';
import { PERSISTED_OPERATIONS_FILE } from '../../src/config/settings.js';
import { loadExamples } from '../../src/examples.js';
import { createDramaResponseCache } from '../../src/plugins/response-cache.js';
import { errorCodes, graphql } from '../support/graphql.js';
import { type OpsService, opsService, URL_BASE } from '../support/ops.js';
import { issueTokens } from '../support/tokens.js';

const example = (name: string) => loadExamples().find((each) => each.name === name)!.document;
const persistedGet = (id: string) =>
  `${URL_BASE}/graphql?extensions=${encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: id } }))}`;
const JSON_ACCEPT = { accept: 'application/json' };

describe('persisted operations', () => {
  let service: OpsService;
  beforeAll(async () => {
    service = await opsService();
  });
  afterAll(() => service.dispose());

  it('persisted-operations.json and the Apollo manifest hold every example (refresh with `npm run persisted:build`)', () => {
    expect(readFileSync(PERSISTED_OPERATIONS_FILE, 'utf8')).toBe(renderJson(buildCommittedList(loadExamples())));
    expect(readFileSync(APOLLO_MANIFEST_FILE, 'utf8')).toBe(renderJson(buildApolloManifest(loadExamples())));
    const listed = JSON.parse(readFileSync(PERSISTED_OPERATIONS_FILE, 'utf8')) as Record<string, string>;
    for (const example of loadExamples()) expect(listed[operationId(example.document)]).toBe(example.document);
    for (const { id, body } of buildApolloManifest(loadExamples()).operations) expect(listed[id]).toBe(body);
  });

  it('answers a GET by sha256 hash, cacheable by browsers and CDNs', async () => {
    const response = await service
      .yoga()
      .fetch(persistedGet(operationId(example('confessions'))), { headers: JSON_ACCEPT });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
    const vary = (response.headers.get('vary') ?? '').split(',').map((name) => name.trim());
    // Accept: the same URL answers JSON, an event stream or multipart, and a shared cache must keep them apart.
    expect(vary).toEqual(expect.arrayContaining(['X-Watched-Through', 'Authorization', 'Accept']));
    expect(((await response.json()) as { data: { events: { totalCount: number } } }).data.events.totalCount).toBe(4);
    const refused = await service
      .yoga()
      .fetch(persistedGet(operationId(example('confessions'))), { headers: { accept: 'text/html' } });
    expect(refused.status).toBe(406);
    expect(refused.headers.get('cache-control') ?? '').not.toMatch(/public/);
  });

  const onlyForAnonymous = {
    persisted: { mode: 'only-for-anonymous' as const, file: PERSISTED_OPERATIONS_FILE, maxAgeSeconds: 60 },
  };

  it('restricts anonymous clients to persisted operations in only-for-anonymous mode', async () => {
    const issued = issueTokens({ 'wiki-bot': ['write:story'] });
    const yoga = service.yoga({ ops: onlyForAnonymous, tokens: issued.tokens });
    const before = service.store.roundTrips;
    const anonymous = await graphql(yoga, '{ series(slug: "soundtrack-1") { title } }');
    expect(errorCodes(anonymous)).toEqual(['PERSISTED_QUERY_ONLY']);
    expect(service.store.roundTrips).toBe(before);
    const unknown = await (await yoga.fetch(persistedGet('0'.repeat(64)), { headers: JSON_ACCEPT })).json();
    expect(errorCodes(unknown as never)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
    expect((await yoga.fetch(persistedGet(operationId(example('node-lookup'))), { headers: JSON_ACCEPT })).status).toBe(
      200,
    );
    const withToken = await graphql(
      yoga,
      '{ series(slug: "soundtrack-1") { title } }',
      undefined,
      issued.bearer('wiki-bot'),
    );
    expect(withToken.data).toEqual({ series: { title: 'Soundtrack #1' } });
  });

  it('counts only a verified token as not anonymous: a bogus one is refused, not let through', async () => {
    const yoga = service.yoga({ ops: onlyForAnonymous, tokens: issueTokens({ 'wiki-bot': ['write:story'] }).tokens });
    const before = service.store.roundTrips;
    const bogus = await graphql(yoga, '{ series(slug: "soundtrack-1") { title } }', undefined, {
      authorization: 'Bearer dg_made-up',
    });
    expect(bogus.status).toBe(401);
    expect(errorCodes(bogus)).toEqual(['UNAUTHENTICATED']);
    expect(bogus.data).toBeUndefined();
    expect(service.store.roundTrips).toBe(before);
  });
});

describe('the response cache', () => {
  let service: OpsService;
  beforeAll(async () => {
    service = await opsService();
  });
  afterAll(() => service.dispose());

  const EVENTS = '{ events(filter: { series: "soundtrack-1", kinds: [CONFESSION] }) { totalCount spoilersHidden } }';
  const cached = () => {
    const responseCache = createDramaResponseCache();
    return { responseCache, yoga: service.yoga({ responseCache, ops: { responseCacheTtlMs: 60_000 } }) };
  };
  const tripsOf = async (run: () => Promise<unknown>) => {
    const before = service.store.roundTrips;
    await run();
    return service.store.roundTrips - before;
  };

  it('answers a repeated public read without touching the store', async () => {
    const { yoga } = cached();
    expect(await tripsOf(() => graphql(yoga, EVENTS))).toBeGreaterThan(0);
    expect(await tripsOf(() => graphql(yoga, EVENTS))).toBe(0);
  });

  it('keeps spoiler progress in the key: the header and @watchedThrough never share an answer', async () => {
    const { yoga } = cached();
    const all = await graphql(yoga, EVENTS);
    const header = await graphql(yoga, EVENTS, undefined, { 'x-watched-through': 'soundtrack-1@3' });
    const directive = await graphql(yoga, `query @watchedThrough(series: "soundtrack-1", episode: 3) ${EVENTS}`);
    const variables = `query ($ep: Int!) @watchedThrough(series: "soundtrack-1", episode: $ep) ${EVENTS}`;
    const viaVariable3 = await graphql(yoga, variables, { ep: 3 });
    const viaVariable4 = await graphql(yoga, variables, { ep: 4 });
    expect(all.data).toEqual({ events: { totalCount: 4, spoilersHidden: 0 } });
    // every hidden event of the series counts, not only the confessions (a narrower count would tell what they are)
    for (const hidden of [header, directive, viaVariable3])
      expect(hidden.data).toEqual({ events: { totalCount: 0, spoilersHidden: 34 } });
    expect(viaVariable4.data).toEqual(all.data);
    expect((await graphql(yoga, EVENTS)).data).toEqual(all.data);
  });

  it('refuses a bad @watchedThrough or progress header with BAD_USER_INPUT, and prints nothing to the console', async () => {
    const { yoga } = cached();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const bad = [
        await graphql(yoga, `query @watchedThrough(series: "soundtrack-1", episode: 0) ${EVENTS}`),
        await graphql(yoga, `query @watchedThrough(series: "Not A Slug", episode: 2) ${EVENTS}`),
        await graphql(yoga, EVENTS, undefined, { 'x-watched-through': 'soundtrack-1@-1' }),
      ];
      for (const response of bad) expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('forgets what a write invalidates', async () => {
    const { yoga, responseCache } = cached();
    const SERIES = '{ series(slug: "soundtrack-1") { id title } }';
    await graphql(yoga, SERIES);
    expect(await tripsOf(() => graphql(yoga, SERIES))).toBe(0);
    responseCache.clear();
    expect(await tripsOf(() => graphql(yoga, SERIES))).toBeGreaterThan(0);
  });
});
