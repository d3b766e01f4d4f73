import type { GraphQLObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationId } from '../../src/config/persisted-operations.js';
import { NO_EXTERNAL_IDS, personRecord } from '../../src/domain/build.js';
import { emptyDocument } from '../../src/domain/collections.js';
import { schema } from '../../src/graphql-schema.js';
import { createDramaResponseCache, watchDataVersion } from '../../src/plugins/response-cache.js';
import { DEFAULT_SEED_DIR, loadSeedDirectory } from '../../src/seed/load.js';
import { importSeedDirectory } from '../../src/seed/stream.js';
import type { DramaStore } from '../../src/store/port.js';
import { createDramaYoga, type DramaYoga } from '../../src/yoga.js';
import { allChanges, changesPage, feedStores, readEvents } from '../support/feed.js';
import { errorCodes, graphql } from '../support/graphql.js';
import { mutate, SOURCE, WRITERS, writableYoga } from '../support/writes.js';

const S = 'feed-series';
const DAY = 86_400_000;

const doc = (slug: string, extra: Record<string, unknown> = {}) => ({
  format: 'drama-graph/seed@1',
  series: [
    {
      slug,
      title: `Series ${slug}`,
      episodeCount: 4,
      source: SOURCE,
      episodes: [1, 2, 3, 4].map((number) => ({ number, source: SOURCE })),
      characters: [
        { slug: 'ana', name: 'Ana', source: SOURCE },
        { slug: 'ben', name: 'Ben', source: SOURCE },
        { slug: 'cho', name: 'Cho', firstEpisode: 4, source: SOURCE },
      ],
      relationships: [
        { slug: 'ana-ben', kind: 'FRIEND', from: 'ana', to: 'ben', mutual: true, since: 1, source: SOURCE },
        { slug: 'ana-cho', kind: 'RIVAL', from: 'ana', to: 'cho', mutual: true, since: 4, source: SOURCE },
      ],
      events: [
        {
          slug: 'early',
          episode: 2,
          sequence: 1,
          kind: 'MOMENT',
          summary: 'Early.',
          agent: 'ana',
          participants: [{ character: 'ana', role: 'AGENT' }],
          source: SOURCE,
        },
        {
          slug: 'late',
          episode: 4,
          sequence: 1,
          kind: 'MOMENT',
          summary: 'Late.',
          agent: 'ben',
          participants: [{ character: 'ben', role: 'AGENT' }],
          source: SOURCE,
        },
      ],
      ...extra,
    },
  ],
});

const BATCH = '($document: JSONObject!)';

const base64 = (text: string) => Buffer.from(text).toString('base64');

/** Cursors that name `position` (or try to) in every form but the one the service issues. */
const nonCanonical = (position: number): string[] =>
  [
    base64(`change: ${position}`),
    base64(`change:${position} `),
    base64(`change:${position}.0`),
    base64(`change:${position}e0`),
    base64(`change:0${position}`),
    base64(`change:+${position}`),
    base64(` change:${position}`),
    base64(`change:${position}\n`),
    base64(`change:"${position}"`),
    base64(`change:${[...String(position)].map((d) => String.fromCodePoint(0x660 + Number(d))).join('')}`),
    base64(`change:${[...String(position)].map((d) => String.fromCodePoint(0xff10 + Number(d))).join('')}`),
    base64('change:9007199254740993'),
    base64('change:1e400'),
    base64(`change:${position}`).replace(/=+$/, ''),
    ` ${base64(`change:${position}`)}`,
    `${base64(`change:${position}`)}\n`,
    String(position),
    `0${position}`,
    `+${position}`,
    `${position}e0`,
  ].filter((cursor) => cursor !== base64(`change:${position}`));

for (const factory of feedStores()) {
  describe.skipIf(!factory.available)(`change log [${factory.kind}]`, () => {
    let clock = Date.UTC(2026, 0, 1);
    let store: DramaStore;
    let dispose: () => Promise<void>;
    let yoga: DramaYoga;

    beforeAll(async () => {
      ({ store, dispose } = await factory.open({ retentionMs: 7 * DAY, now: () => clock }));
      yoga = writableYoga(store);
    });
    afterAll(async () => dispose?.());

    const latest = async () => (await store.changeLogBounds()).latest;

    it('logs one UPSERT per record a batch wrote, in its transaction, naming the token', async () => {
      const before = await latest();
      const response = await mutate(yoga, 'importBatch', BATCH, { document: doc(S) });
      expect(response.data!.importBatch.__typename).toBe('ImportBatchSuccess');
      const { changes } = await allChanges(yoga);
      // 1 series, 4 episodes, 3 characters, 2 relationships, 2 events.
      expect(changes).toHaveLength(12);
      expect(await latest()).toBe(before + 12);
      expect(changes.every((c) => c.operation === 'UPSERT' && c.actor === 'admin' && c.series === S)).toBe(true);
      expect(changes.map((c) => c.type)).toEqual([
        'SERIES',
        ...Array(4).fill('EPISODE'),
        ...Array(3).fill('CHARACTER'),
        'RELATIONSHIP',
        'RELATIONSHIP',
        'PLOT_EVENT',
        'PLOT_EVENT',
      ]);
      const character = changes.find((c) => c.key === `${S}/ana`)!;
      expect(Buffer.from(character.id!, 'base64').toString()).toBe(`Character:${S}/ana`);
      expect(new Date(character.at).getTime()).toBe(clock);
    });

    it('logs single upserts with the writer token, and cursors only grow', async () => {
      const before = await latest();
      for (const [token, slug] of [
        ['catalog', 'feed-person-a'],
        ['admin', 'feed-person-b'],
      ] as const) {
        const response = await mutate(
          yoga,
          'upsertPerson',
          '($input: UpsertPersonInput!)',
          { input: { slug, name: slug, source: SOURCE } },
          '',
          token,
        );
        expect(response.data!.upsertPerson.__typename).toBe('UpsertPersonSuccess');
      }
      const { changes } = await allChanges(yoga, { types: ['PERSON'] });
      expect(changes.map((c) => [c.key, c.actor, c.series, c.operation])).toEqual([
        ['feed-person-a', 'catalog', null, 'UPSERT'],
        ['feed-person-b', 'admin', null, 'UPSERT'],
      ]);
      expect(await latest()).toBe(before + 2);
      const all = (await allChanges(yoga)).changes;
      const cursors = all.map((c) => c.cursor);
      expect(new Set(cursors).size).toBe(cursors.length);
    });

    it('logs nothing for a write that fails, in the store or before it', async () => {
      const before = await latest();
      const broken = doc('feed-broken');
      (broken.series[0]!.events[0] as { agent: string }).agent = 'nobody';
      const response = await mutate(yoga, 'importBatch', BATCH, { document: broken });
      expect(response.data!.importBatch.__typename).toBe('ValidationError');
      // Refused by the plan inside the write's transaction: the series still has contents; the person does not exist.
      const refused = await mutate(yoga, 'deleteSeries', '($slug: String!)', { slug: S });
      expect(refused.data!.deleteSeries.__typename).toBe('ValidationError');
      const casting = await mutate(yoga, 'upsertCasting', '($input: UpsertCastingInput!)', {
        input: { series: S, person: 'feed-nobody', character: 'ana', billing: 'MAIN', source: SOURCE },
      });
      expect(casting.data!.upsertCasting.__typename).toBe('ValidationError');
      const forbidden = await mutate(yoga, 'deletePerson', '($slug: String!)', { slug: 'feed-person-a' }, '', 'story');
      expect(errorCodes(forbidden)).toContain('FORBIDDEN');
      expect(await latest()).toBe(before);
    });

    it('logs a DELETE for every record a cascaded delete removed', async () => {
      await mutate(yoga, 'importBatch', BATCH, { document: doc('feed-doomed') });
      const { endCursor } = await allChanges(yoga);
      const response = await mutate(
        yoga,
        'deleteSeries',
        '($slug: String!, $cascade: Boolean)',
        { slug: 'feed-doomed', cascade: true },
        '... on DeleteSeriesSuccess { deletion { alsoDeleted } }',
      );
      const alsoDeleted = response.data!.deleteSeries.deletion.alsoDeleted as number;
      const { changes } = await allChanges(yoga, { after: endCursor });
      expect(changes).toHaveLength(alsoDeleted + 1);
      expect(changes.every((c) => c.operation === 'DELETE' && c.series === 'feed-doomed')).toBe(true);
      expect(changes.map((c) => c.key)).toContain('feed-doomed');
    });

    it('logs nothing for a delete that removes nothing, on every delete mutation; deleting twice logs once', async () => {
      const before = await latest();
      const missing: [string, string, Record<string, unknown>][] = [
        ['deletePerson', '($slug: String!)', { slug: 'attack-nonexistent' }],
        ['deleteSeries', '($slug: String!, $cascade: Boolean)', { slug: 'nonexistent', cascade: true }],
        ['deleteSeries', '($slug: String!)', { slug: 'nonexistent' }],
        ['deleteEpisode', '($series: String!, $number: Int!)', { series: S, number: 9999 }],
        ['deleteEpisode', '($series: String!, $number: Int!)', { series: 'nonexistent', number: 1 }],
        ['deleteCharacter', '($series: String!, $slug: String!)', { series: S, slug: 'made-up-char' }],
        ['deleteRelationship', '($series: String!, $slug: String!)', { series: S, slug: 'nonexistent' }],
        ['deletePlotEvent', '($series: String!, $slug: String!)', { series: S, slug: 'made-up-event' }],
        [
          'deleteCasting',
          '($series: String!, $person: String!, $character: String!)',
          { series: S, person: 'feed-person-a', character: 'ana' },
        ],
        [
          'deleteCredit',
          '($series: String!, $person: String!, $role: CreditRole!)',
          { series: S, person: 'feed-person-a', role: 'WRITER' },
        ],
      ];
      for (const [field, signature, variables] of missing) {
        const response = await mutate(yoga, field, signature, variables);
        expect(response.data![field].__typename, field).toMatch(/Success$/);
      }
      expect(await latest()).toBe(before);
      const upsert = await mutate(yoga, 'upsertPerson', '($input: UpsertPersonInput!)', {
        input: { slug: 'feed-twice', name: 'Twice', source: SOURCE },
      });
      expect(upsert.data!.upsertPerson.__typename).toBe('UpsertPersonSuccess');
      const { endCursor } = await allChanges(yoga);
      for (let i = 0; i < 2; i++) await mutate(yoga, 'deletePerson', '($slug: String!)', { slug: 'feed-twice' });
      const { changes } = await allChanges(yoga, { after: endCursor });
      expect(changes.map((c) => [c.operation, c.type, c.key])).toEqual([['DELETE', 'PERSON', 'feed-twice']]);
    });

    it('filters by series and types; an empty types list matches nothing', async () => {
      const events = await allChanges(yoga, { series: S, types: ['PLOT_EVENT', 'PLOT_EVENT'] });
      expect(events.changes.map((c) => c.key)).toEqual([`${S}/early`, `${S}/late`]);
      expect((await allChanges(yoga, { types: [] })).changes).toEqual([]);
      for (const series of ['constructor', 'x'.repeat(10_000)])
        expect((await allChanges(yoga, { series })).changes).toEqual([]);
      for (const series of ['__proto__', 'Bad Slug', '', '시리즈', 'feed-series\u0000', 'X'.repeat(10_000)])
        expect(errorCodes(await changesPage(yoga, { series })), series.slice(0, 20)).toEqual(['BAD_USER_INPUT']);
    });

    it('pages in cursor order and resumes after any cursor', async () => {
      const { changes } = await allChanges(yoga);
      const first = await changesPage(yoga, { first: 3 });
      expect(first.data!.changes.edges.map((e) => e.node.key)).toEqual(changes.slice(0, 3).map((c) => c.key));
      expect(first.data!.changes.pageInfo.hasNextPage).toBe(true);
      const rest = await allChanges(yoga, { after: first.data!.changes.pageInfo.endCursor });
      expect(rest.changes.map((c) => c.cursor)).toEqual(changes.slice(3).map((c) => c.cursor));
      // totalCount counts the page, and its description says so (it once said "across all pages").
      const counted = await graphql(yoga, '{ changes(first: 3) { totalCount } }');
      expect(counted.data!.changes.totalCount).toBe(3);
      const connection = schema.getType('ChangeConnection') as GraphQLObjectType;
      expect(connection.getFields().totalCount!.description).toMatch(/this page/);
      expect(connection.getFields().totalCount!.description).not.toMatch(/all pages/);
    });

    it('gives an endCursor whenever the log has held a change, even for first: 0, and hasPreviousPage only past a kept change', async () => {
      const pageInfo = async (args: string) =>
        (
          await graphql<{ changes: { pageInfo: { endCursor: string | null; hasPreviousPage: boolean } } }>(
            yoga,
            `{ changes(${args}) { pageInfo { endCursor hasPreviousPage hasNextPage } } }`,
          )
        ).data!.changes.pageInfo;
      const { oldest } = await store.changeLogBounds();
      const start = Buffer.from(`change:${oldest! - 1}`).toString('base64');
      expect(await pageInfo('first: 0')).toEqual({ endCursor: start, hasPreviousPage: false, hasNextPage: true });
      expect(await pageInfo(`first: 0, after: "${start}"`)).toEqual({
        endCursor: start,
        hasPreviousPage: false,
        hasNextPage: true,
      });
      const one = await pageInfo(`first: 1, after: "${start}"`);
      expect(one.hasPreviousPage).toBe(false);
      expect(one.endCursor).toBe(Buffer.from(`change:${oldest}`).toString('base64'));
      expect((await pageInfo(`first: 1, after: "${one.endCursor}"`)).hasPreviousPage).toBe(true);
    });

    it('lets a client paging with endCursor see every change while others write, with no gap and no repeat', async () => {
      const { endCursor: from } = await allChanges(yoga);
      const writes = 60;
      let writing = true;
      const writer = async (w: number) => {
        for (let i = w; i < writes; i += 3)
          await mutate(yoga, 'upsertPerson', '($input: UpsertPersonInput!)', {
            input: { slug: `feed-race-${i}`, name: `Race ${i}`, source: SOURCE },
          });
      };
      const seen: string[] = [];
      const poller = async (types: string[] | null, first: number) => {
        let after = from;
        const keys: string[] = [];
        for (;;) {
          const stillWriting = writing;
          const page = await changesPage(yoga, { after, first, ...(types === null ? {} : { types }) });
          expect(page.errors).toBeUndefined();
          const { edges, pageInfo } = page.data!.changes;
          keys.push(...edges.map((e) => e.node.key));
          after = pageInfo.endCursor ?? after;
          if (!stillWriting && !pageInfo.hasNextPage) break;
          // An empty page: let the writers go on before asking again.
          if (edges.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
        }
        return keys;
      };
      const polls = Promise.all([poller(null, 4), poller(['PERSON'], 3), poller(['PERSON'], 1)]);
      await Promise.all([0, 1, 2].map(writer));
      writing = false;
      const expected = (await allChanges(yoga, { after: from, types: ['PERSON'] })).changes.map((c) => c.key);
      expect(expected).toHaveLength(writes);
      for (const keys of await polls) {
        seen.push(...keys);
        expect(keys.filter((key) => key.startsWith('feed-race-'))).toEqual(expected);
      }
      expect(seen.length).toBeGreaterThanOrEqual(3 * writes);
    });

    it("hides what comes after the viewer's progress, and deletions of story facts in that series", async () => {
      const viewer = { 'x-watched-through': `${S}@3` };
      const seen = (await allChanges(yoga, { series: S }, viewer)).changes.map((c) => c.key);
      expect(seen).toContain(`${S}/early`);
      expect(seen).toContain(`${S}/ana-ben`);
      expect(seen).toContain(`${S}/3`);
      expect(seen).not.toContain(`${S}/late`);
      expect(seen).not.toContain(`${S}/ana-cho`);
      expect(seen).not.toContain(`${S}/cho`);
      expect(seen).not.toContain(`${S}/4`);
      const everyone = (await allChanges(yoga, { series: S })).changes.map((c) => c.key);
      expect(everyone).toContain(`${S}/late`);

      const before = (await allChanges(yoga)).endCursor;
      await mutate(yoga, 'deletePlotEvent', '($series: String!, $slug: String!)', { series: S, slug: 'early' });
      const hidden = await allChanges(yoga, { after: before }, viewer);
      expect(hidden.changes).toEqual([]);
      // The viewer's end cursor still moves past what was hidden.
      expect(hidden.endCursor).not.toBe(before);
      const shown = await allChanges(yoga, { after: before });
      expect(shown.changes.map((c) => [c.operation, c.key])).toEqual([['DELETE', `${S}/early`]]);
    });

    it('refuses malformed, unknown and hostile arguments with coded errors', async () => {
      const { endCursor } = await allChanges(yoga);
      const latestCursor = Number(endCursor === null ? 0 : await latest());
      const unknown = Buffer.from(`change:${latestCursor + 5}`).toString('base64');
      expect(errorCodes(await changesPage(yoga, { after: unknown }))).toEqual(['CHANGE_CURSOR_UNKNOWN']);
      for (const after of ['garbage', '__proto__', '', 'Y2hhbmdlOi0x', 'Y2hhbmdlOjEuNQ==', '한국어', '9'.repeat(400)])
        expect(errorCodes(await changesPage(yoga, { after }))).toEqual(['INVALID_CURSOR']);
      // Only the exact form the service issues: the same position written any other way is refused, naming `after`.
      expect(errorCodes(await changesPage(yoga, { after: endCursor }))).toEqual([]);
      for (const after of nonCanonical(latestCursor)) {
        const refused = await changesPage(yoga, { after });
        expect(errorCodes(refused), after).toEqual(['INVALID_CURSOR']);
        expect(refused.errors![0]!.extensions).toMatchObject({ argument: 'after' });
        expect(refused.errors![0]!.message).toMatch(/^after: /);
      }
      const huge = await changesPage(yoga, { after: 'x'.repeat(10_000) });
      expect(errorCodes(huge)).toEqual(['INVALID_CURSOR']);
      expect(huge.errors![0]!.message.length).toBeLessThan(300);
      for (const first of [101, 1_000_000, -1])
        expect(errorCodes(await changesPage(yoga, { first }))).toEqual(['BAD_USER_INPUT']);
      const wrongTypes = await graphql(yoga, '{ changes(first: "ten", types: [NOPE]) { totalCount } }');
      expect(wrongTypes.status).toBe(400);
      expect(wrongTypes.data).toBeUndefined();
      const nested = await changesPage(yoga, { series: { __proto__: { polluted: true } } });
      expect(nested.errors?.length).toBeGreaterThan(0);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('prunes entries past retention, a bounded number per transaction, and says a cursor expired', async () => {
      const { changes } = await allChanges(yoga);
      const oldCursor = changes[0]!.cursor;
      // Many entries, all of them older than retention once the clock turns.
      const people = Array.from({ length: 300 }, (_, i) => ({
        slug: `feed-bulk-${i}`,
        name: `Bulk ${i}`,
        source: SOURCE,
      }));
      const bulk = await mutate(yoga, 'importBatch', BATCH, { document: { format: 'drama-graph/seed@1', people } });
      expect(bulk.data!.importBatch.__typename).toBe('ImportBatchSuccess');
      const before = await store.changeLogBounds();
      clock += 8 * DAY;
      await mutate(yoga, 'upsertPerson', '($input: UpsertPersonInput!)', {
        input: { slug: 'feed-after', name: 'After', source: SOURCE },
      });
      const after = await store.changeLogBounds();
      expect(after.latest).toBe(before.latest + 1);
      // One entry added: at most 2 × 1 + 100 expired ones pruned, oldest first.
      expect(after.oldest).toBe(before.oldest! + 102);
      const expired = await changesPage(yoga, { after: oldCursor });
      expect(errorCodes(expired)).toEqual(['CHANGE_CURSOR_EXPIRED']);
      expect(expired.errors![0]!.message).toMatch(/retention/);
      // Writes go on pruning until only what retention keeps is left.
      for (let i = 0; i < 4; i++)
        await mutate(yoga, 'upsertPerson', '($input: UpsertPersonInput!)', {
          input: { slug: `feed-after-${i}`, name: 'After', source: SOURCE },
        });
      const kept = await allChanges(yoga);
      expect(kept.changes.map((c) => c.key)).toEqual(['feed-after', ...[0, 1, 2, 3].map((i) => `feed-after-${i}`)]);
    });

    it('logs a bulk import (npm run import) per transaction, with no actor', async () => {
      const before = await latest();
      // Built as the importer builds records, so the fixture keeps the stores' current record shape.
      await store.importDocument({
        ...emptyDocument(),
        people: [
          personRecord({
            slug: 'feed-imported',
            name: 'Imported',
            nativeName: null,
            externalIds: NO_EXTERNAL_IDS,
            sources: [{ document: 'x', paragraph: null }],
          }),
        ],
      });
      const { changes } = await allChanges(yoga, { types: ['PERSON'] });
      expect(changes.at(-1)).toMatchObject({ key: 'feed-imported', actor: null, operation: 'UPSERT' });
      expect(await latest()).toBe(before + 1);
    });

    it('streams missed and new changes over SSE, with cursors as event ids for Last-Event-ID', async () => {
      const { endCursor } = await allChanges(yoga);
      const write = (slug: string) =>
        mutate(yoga, 'upsertPerson', '($input: UpsertPersonInput!)', { input: { slug, name: slug, source: SOURCE } });
      await write('feed-sse-missed');
      const subscribe = (headers: Record<string, string>, variables: Record<string, unknown>) =>
        yoga.fetch('http://drama.test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
          body: JSON.stringify({
            query: 'subscription($after: String) { changes(after: $after, types: [PERSON]) { cursor key operation } }',
            variables,
          }),
        });
      const response = await subscribe({}, { after: endCursor });
      expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
      const reading = readEvents(response, (events) => events.length >= 2);
      await write('feed-sse-live');
      const events = await reading;
      expect(events.map((e) => e.data.data.changes.key)).toEqual(['feed-sse-missed', 'feed-sse-live']);
      expect(events.map((e) => e.id)).toEqual(events.map((e) => e.data.data.changes.cursor));

      // Reconnecting with Last-Event-ID gets what was written while away, in order.
      await write('feed-sse-away-1');
      await write('feed-sse-away-2');
      const resumed = await readEvents(await subscribe({ 'last-event-id': events[0]!.id! }, {}), (e) => e.length >= 3);
      expect(resumed.map((e) => e.data.data.changes.key)).toEqual([
        'feed-sse-live',
        'feed-sse-away-1',
        'feed-sse-away-2',
      ]);

      const bad = await readEvents(await subscribe({}, { after: 'garbage' }), (e) => e.length >= 1);
      expect(bad[0]!.data.errors[0].extensions.code).toBe('INVALID_CURSOR');
      // A cursor in any form but the issued one, in `after` or in Last-Event-ID, is refused naming where it was.
      const position = Number(Buffer.from(events[0]!.id!, 'base64').toString().slice('change:'.length));
      for (const cursor of nonCanonical(position)) {
        for (const [headers, variables, argument] of [
          [{ 'last-event-id': cursor }, {}, 'Last-Event-ID'],
          [{ 'last-event-id': events[0]!.id! }, { after: cursor }, 'after'],
        ] as const) {
          // HTTP takes a header's surrounding whitespace off (RFC 9110 §5.5): that one is the issued cursor.
          if (argument === 'Last-Event-ID' && cursor.trim() !== cursor) continue;
          const [refused] = await readEvents(await subscribe(headers, variables), (e) => e.length >= 1);
          expect(refused!.data.errors[0].extensions, `${argument} ${cursor}`).toMatchObject({
            code: 'INVALID_CURSOR',
            argument,
          });
        }
      }
      const future = Buffer.from(`change:${(await latest()) + 1}`).toString('base64');
      const unknown = await readEvents(await subscribe({ 'last-event-id': future }, {}), (e) => e.length >= 1);
      expect(unknown[0]!.data.errors[0].extensions.code).toBe('CHANGE_CURSOR_UNKNOWN');
      const wrongType = await yoga.fetch('http://drama.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ query: 'subscription { changes(types: [NOPE], series: 7) { key } }' }),
      });
      const refused = await readEvents(wrongType, (e) => e.length >= 1);
      expect(refused[0]!.data.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      const badSeries = await yoga.fetch('http://drama.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ query: 'subscription { changes(series: "Bad Slug") { key } }' }),
      });
      const badSlug = await readEvents(badSeries, (e) => e.length >= 1);
      expect(badSlug[0]!.data.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    });

    it("streams only what the viewer's progress allows", async () => {
      const { endCursor } = await allChanges(yoga);
      const response = await yoga.fetch('http://drama.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-watched-through': `${S}@3` },
        body: JSON.stringify({
          query: 'subscription($after: String, $series: String) { changes(after: $after, series: $series) { key } }',
          variables: { after: endCursor, series: S },
        }),
      });
      const reading = readEvents(response, (events) => events.length >= 2);
      const event = (slug: string, episode: number, sequence: number) =>
        mutate(yoga, 'upsertPlotEvent', '($input: UpsertPlotEventInput!)', {
          input: { series: S, slug, episode, sequence, kind: 'MOMENT', summary: slug, source: SOURCE },
        });
      for (const [slug, episode, sequence] of [
        ['spoiler-4', 4, 2],
        ['seen-1', 1, 1],
        ['spoiler-4b', 4, 3],
        ['seen-3', 3, 1],
      ] as const) {
        const written = await event(slug, episode, sequence);
        expect(written.data!.upsertPlotEvent.__typename, JSON.stringify(written)).toBe('UpsertPlotEventSuccess');
      }
      expect((await reading).map((e) => e.data.data.changes.key)).toEqual([`${S}/seen-1`, `${S}/seen-3`]);
    });

    it('keeps the arguments written in the subscription on resume: series, types and after', async () => {
      const { endCursor } = await allChanges(yoga);
      const event = async (series: string, slug: string, sequence: number) => {
        const written = await mutate(yoga, 'upsertPlotEvent', '($input: UpsertPlotEventInput!)', {
          input: {
            series,
            slug,
            episode: series === S ? 2 : 1,
            sequence,
            kind: 'MOMENT',
            summary: slug,
            source: SOURCE,
          },
        });
        expect(written.data!.upsertPlotEvent.__typename, JSON.stringify(written)).toBe('UpsertPlotEventSuccess');
      };
      await mutate(yoga, 'importBatch', BATCH, { document: doc('feed-other') });
      await event(S, 'resume-1', 1);
      await event('feed-other', 'resume-other', 1);
      await mutate(yoga, 'upsertPerson', '($input: UpsertPersonInput!)', {
        input: { slug: 'feed-resume-person', name: 'P', source: SOURCE },
      });
      await event(S, 'resume-2', 2);
      // Literal arguments, as an EventSource URL carries them (no variables).
      const query = (after: string) => `subscription { changes(${after} series: "${S}", types: [PLOT_EVENT]) { key } }`;
      const stream = (body: string, headers: Record<string, string> = {}) =>
        yoga.fetch('http://drama.test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
          body: JSON.stringify({ query: body }),
        });
      const keys = (events: { data: Record<string, any> }[]) => events.map((e) => e.data.data?.changes?.key ?? e.data);
      const fromAfter = await readEvents(await stream(query(`after: "${endCursor}",`)), (e) => e.length >= 2);
      expect(keys(fromAfter)).toEqual([`${S}/resume-1`, `${S}/resume-2`]);
      const fromHeader = await readEvents(
        await stream(query(''), { 'last-event-id': endCursor! }),
        (e) => e.length >= 2,
      );
      expect(keys(fromHeader)).toEqual([`${S}/resume-1`, `${S}/resume-2`]);
      // `after` wins over Last-Event-ID, and resumes past the first.
      const first = fromAfter[0]!.id!;
      const both = await readEvents(
        await stream(query(`after: "${first}",`), { 'last-event-id': endCursor! }),
        (e) => e.length >= 1,
      );
      expect(keys(both)).toEqual([`${S}/resume-2`]);
    });

    it('takes progress from @watchedThrough on the subscription and from the header over SSE GET', async () => {
      const { endCursor } = await allChanges(yoga);
      for (const [slug, episode, sequence] of [
        ['wt-spoiler', 4, 4],
        ['wt-seen', 3, 2],
      ] as const)
        expect(
          (
            await mutate(yoga, 'upsertPlotEvent', '($input: UpsertPlotEventInput!)', {
              input: { series: S, slug, episode, sequence, kind: 'MOMENT', summary: slug, source: SOURCE },
            })
          ).data!.upsertPlotEvent.__typename,
        ).toBe('UpsertPlotEventSuccess');
      const get = (query: string, headers: Record<string, string> = {}) =>
        yoga.fetch(`http://drama.test/graphql?query=${encodeURIComponent(query)}`, {
          headers: { accept: 'text/event-stream', 'last-event-id': endCursor!, ...headers },
        });
      const select = `changes(series: "${S}") { key }`;
      const keys = (events: { data: Record<string, any> }[]) => events.map((e) => e.data.data?.changes?.key ?? e.data);
      const directive = await readEvents(
        await get(`subscription @watchedThrough(series: "${S}", episode: 3) { ${select} }`),
        (e) => e.length >= 1,
      );
      expect(keys(directive)).toEqual([`${S}/wt-seen`]);
      const header = await readEvents(
        await get(`subscription { ${select} }`, { 'x-watched-through': `${S}@3` }),
        (e) => e.length >= 1,
      );
      expect(keys(header)).toEqual([`${S}/wt-seen`]);
      const everything = await readEvents(await get(`subscription { ${select} }`), (e) => e.length >= 2);
      expect(keys(everything)).toEqual([`${S}/wt-spoiler`, `${S}/wt-seen`]);
      for (const [args, code] of [
        [`series: "${S}", episode: 0`, 'BAD_USER_INPUT'],
        [`series: "__proto__", episode: 1`, 'BAD_USER_INPUT'],
        [`series: "${S}", episode: "3"`, 'GRAPHQL_VALIDATION_FAILED'],
      ] as const) {
        const refused = await readEvents(
          await get(`subscription @watchedThrough(${args}) { ${select} }`),
          (e) => e.length >= 1,
        );
        expect(refused[0]!.data.errors[0].extensions.code, args).toBe(code);
      }
    });

    it('refuses a malformed X-Watched-Through when the subscription starts, with no change written', async () => {
      const { endCursor } = await allChanges(yoga);
      const before = await latest();
      const query = `subscription($after: String) { changes(after: $after, series: "${S}") { key } }`;
      for (const header of ['nope', `${S}@0`, '__proto__@1', `${S}@\u0663`, `${S}@3, bad`, `${S}@${'9'.repeat(40)}`])
        for (const method of ['POST', 'GET'] as const)
          for (const after of [null, endCursor]) {
            const variables = after === null ? {} : { after };
            const url =
              method === 'GET'
                ? `http://drama.test/graphql?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(JSON.stringify(variables))}`
                : 'http://drama.test/graphql';
            const response = await yoga.fetch(url, {
              method,
              headers: {
                accept: 'text/event-stream',
                'x-watched-through': Buffer.from(header).toString('latin1'),
                ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
              },
              ...(method === 'POST' ? { body: JSON.stringify({ query, variables }) } : {}),
            });
            // Read to the end of the stream: it must hold the refusal alone and end, though nothing is written.
            const events = await readEvents(response, () => false);
            expect(
              events.map((e) => e.data.errors?.[0]?.extensions?.code),
              `${method} ${header}`,
            ).toEqual(['BAD_USER_INPUT']);
            expect(events[0]!.data.errors[0].message).toMatch(/^X-Watched-Through: /);
          }
      expect(await latest()).toBe(before);
    });

    it('keeps response-cache bookkeeping out of answers, and never caches changes or webhook state', async () => {
      const handle = createDramaResponseCache();
      const cached = createDramaYoga({
        store,
        tokens: WRITERS.tokens,
        ops: { responseCacheTtlMs: 60_000 },
        responseCache: handle,
      });
      await mutate(cached, 'upsertPerson', '($input: UpsertPersonInput!)', {
        input: { slug: 'feed-cast', name: 'Cast', source: SOURCE },
      });
      const casting = { series: S, person: 'feed-cast', character: 'ana' };
      const cast = await mutate(cached, 'upsertCasting', '($input: UpsertCastingInput!)', {
        input: { ...casting, billing: 'MAIN', source: SOURCE },
      });
      expect(cast.data!.upsertCasting.__typename, JSON.stringify(cast)).toBe('UpsertCastingSuccess');
      // Castings have no global id: the cache's null id used to stay in every node.
      const query = '{ changes(first: 100, types: [CASTING]) { edges { node { key } } } }';
      for (let round = 0; round < 2; round++) {
        const page = await graphql(cached, query);
        expect(page.data!.changes.edges).toEqual([{ node: { key: `${S}/ana@feed-cast` } }]);
      }
      expect(handle.size()).toBe(0);
      await graphql(cached, `{ series(slug: "${S}") { title } }`);
      expect(handle.size()).toBe(1);
      const deleted = await mutate(
        cached,
        'deleteCasting',
        '($series: String!, $person: String!, $character: String!)',
        casting,
        '... on DeleteCastingSuccess { deletion { alsoDeleted } }',
      );
      expect(deleted.data!.deleteCasting).toEqual({ __typename: 'DeleteCastingSuccess', deletion: { alsoDeleted: 0 } });
      // An admin's answer is never given to a viewer without the token.
      const endpoints = '{ webhookEndpoints { id } }';
      expect((await graphql(cached, endpoints, {}, WRITERS.bearer('admin'))).data).toEqual({ webhookEndpoints: [] });
      expect(errorCodes(await graphql(cached, endpoints))).toEqual(['UNAUTHENTICATED']);
    });

    it("forgets cached answers once the store's data version shows another process's write; changes are never kept over HTTP", async () => {
      const imported = await mutate(yoga, 'importBatch', BATCH, { document: doc('feed-cached') });
      expect(imported.data!.importBatch.__typename, JSON.stringify(imported)).toBe('ImportBatchSuccess');
      const handle = createDramaResponseCache();
      const changesDoc = '{ changes(first: 100) { pageInfo { endCursor } } }';
      const seriesDoc = '{ series(slug: "feed-cached") { title } }';
      const cached = createDramaYoga({
        store,
        tokens: WRITERS.tokens,
        ops: { responseCacheTtlMs: 60_000 },
        responseCache: handle,
        persistedOperations: new Map([changesDoc, seriesDoc].map((doc) => [operationId(doc), doc])),
      });
      const writers = watchDataVersion(store, () => handle.clear());
      expect(await writers.check()).toBe(false);
      const title = async () => (await graphql(cached, seriesDoc)).data!.series.title as string;
      const before = await title();
      expect(handle.size()).toBe(1);
      // Another process writes (npm run import, a replica without Redis): this service is not told.
      const [series] = await store.seriesByKeys(['feed-cached']);
      await store.importDocument({ ...emptyDocument(), series: [{ ...series!, title: 'Renamed elsewhere' }] });
      expect(await title()).toBe(before);
      // The next check sees the data version move and forgets every cached answer.
      expect(await writers.check()).toBe(true);
      expect(await title()).toBe('Renamed elsewhere');
      expect(await writers.check()).toBe(false);
      // A persisted GET may be kept by browsers and CDNs, but not one of the change log.
      const get = (doc: string) =>
        cached.fetch(
          `http://drama.test/graphql?extensions=${encodeURIComponent(
            JSON.stringify({ persistedQuery: { version: 1, sha256Hash: operationId(doc) } }),
          )}`,
          { headers: { accept: 'application/json' } },
        );
      const seriesGet = await get(seriesDoc);
      expect(seriesGet.status).toBe(200);
      expect(seriesGet.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
      const first = await get(changesDoc);
      expect(first.status).toBe(200);
      expect(first.headers.get('cache-control')).toBe('no-store');
      const end = async (response: Response) => ((await response.json()) as any).data.changes.pageInfo.endCursor;
      const firstEnd = await end(first);
      await store.importDocument({ ...emptyDocument(), series: [{ ...series!, title: 'Renamed again' }] });
      const second = await get(changesDoc);
      expect(second.headers.get('cache-control')).toBe('no-store');
      expect(await end(second)).not.toBe(firstEnd);
    });

    // Last: it fills the log with the seeds.
    it('logs nothing for a write that changes nothing: the seeds imported twice at once, then again, an upsert repeated', async () => {
      const before = await latest();
      // Two replicas seeding an empty store at the same time: each record is written and logged once.
      const [first, other] = await Promise.all([
        importSeedDirectory(store, DEFAULT_SEED_DIR),
        importSeedDirectory(store, DEFAULT_SEED_DIR),
      ]);
      expect(other.written).toEqual(first.written);
      const afterFirst = await latest();
      const records = Object.values(first.written).reduce((sum, n) => sum + n, 0);
      expect(records).toBeGreaterThan(50);
      expect(afterFirst - before).toBe(records);
      const version = await store.dataVersion();
      const again = await importSeedDirectory(store, DEFAULT_SEED_DIR);
      expect(again.written).toEqual(first.written);
      expect(await latest()).toBe(afterFirst);
      // Nothing changed, so nothing derived from the data has to be built again.
      if (store.kind === 'embedded') expect(await store.dataVersion()).toBe(version);
      // One record changed among the same ones: that one alone is logged.
      const document = await loadSeedDirectory(DEFAULT_SEED_DIR);
      const [person, ...others] = document.people;
      await store.importDocument({
        ...document,
        people: [{ ...person!, name: `${person!.name} (renamed)` }, ...others],
      });
      const { changes } = await allChanges(yoga, { after: Buffer.from(`change:${afterFirst}`).toString('base64') });
      expect(changes.map((c) => [c.operation, c.type, c.key, c.actor])).toEqual([
        ['UPSERT', 'PERSON', person!.key, null],
      ]);
      // Through the API: the second of two identical upserts logs nothing, a changed one logs itself.
      const upsert = (name: string) =>
        mutate(yoga, 'upsertPerson', '($input: UpsertPersonInput!)', {
          input: { slug: 'feed-same', name, source: SOURCE },
        });
      expect((await upsert('Same')).data!.upsertPerson.__typename).toBe('UpsertPersonSuccess');
      const once = await latest();
      expect((await upsert('Same')).data!.upsertPerson.__typename).toBe('UpsertPersonSuccess');
      expect(await latest()).toBe(once);
      await upsert('Other');
      expect(await latest()).toBe(once + 1);
    });
  });
}
