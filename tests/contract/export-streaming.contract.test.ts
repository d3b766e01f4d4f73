import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { changeSet } from '../../src/domain/integrity/changes.js';
import { StoreUnavailableError } from '../../src/errors.js';
import { toGraphDocument } from '../../src/seed/document.js';
import { ExportError, exportSeedDirectory } from '../../src/seed/export.js';
import { parseSeedText } from '../../src/seed/load.js';
import type { DramaStore } from '../../src/store/port.js';
import { createDramaYoga } from '../../src/yoga.js';
import { seedsAndBigSeries } from '../support/big-series.js';
import { describeEachStore } from '../support/each-store.js';
import { WRITERS } from '../support/writes.js';

const BIG = 'big-export';
/** Three pages of events at export's page size (1,000), the last one short. */
const EPISODES = 3;
const PER_EPISODE = 900;

const load = seedsAndBigSeries(BIG, EPISODES, PER_EPISODE);

/** The store, with the largest page of events any one call returned, and the calls of whole-series event reads. */
function watched(store: DramaStore) {
  const seen = { largestEventPage: 0, wholeSeriesReads: 0 };
  const proxy = new Proxy(store, {
    get: (target, property, receiver) => {
      const value = Reflect.get(target, property, receiver);
      if (property === 'eventsOfSeriesAfter')
        return async (...args: unknown[]) => {
          const page = await (value as (...a: unknown[]) => Promise<unknown[]>).apply(target, args);
          seen.largestEventPage = Math.max(seen.largestEventPage, page.length);
          return page;
        };
      if (property === 'eventsOfSeries')
        return (...args: unknown[]) => {
          seen.wholeSeriesReads += 1;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: proxy, seen };
}

const exportOf = (yoga: ReturnType<typeof createDramaYoga>, slug: string, headers: Record<string, string> = {}) =>
  yoga.fetch(`http://drama.test/export/series/${slug}`, { headers });

/** An export of the big series for `who`, its first piece read, the rest left to read. */
const openedExport = async (yoga: ReturnType<typeof createDramaYoga>, who: Parameters<typeof WRITERS.bearer>[0]) => {
  const response = await exportOf(yoga, BIG, WRITERS.bearer(who));
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  expect((await reader.read()).done).toBe(false);
  return reader;
};

/** Reads an export to its end: 'ended whole', or throws where it was cut off. */
const rest = async (reader: ReadableStreamDefaultReader<Uint8Array>) => {
  for (;;) if ((await reader.read()).done) return 'ended whole';
};

describeEachStore(
  'exports stream a series page by page',
  (service) => {
    it('pages a series’ events in port order, whatever the page size, and nothing for hostile keys', async () => {
      const { store } = service();
      const [whole] = await store.eventsOfSeries(['soundtrack-1']);
      for (const first of [1, 3, 34, 1000]) {
        const pages = [];
        let after = null;
        for (;;) {
          const page = await store.eventsOfSeriesAfter({ seriesKey: 'soundtrack-1', after, first });
          pages.push(...page);
          if (page.length < first) break;
          after = { episodeNumber: page.at(-1)!.episodeNumber, sequence: page.at(-1)!.sequence };
        }
        expect(
          pages.map((e) => e.key),
          `first ${first}`,
        ).toEqual(whole!.map((e) => e.key));
      }
      expect(await store.eventsOfSeriesAfter({ seriesKey: 'soundtrack-1', after: null, first: 0 })).toEqual([]);
      for (const seriesKey of ['no-such-show', '__proto__', '', 'soundtrack-1/sun-woo', '\u0000'])
        expect(await store.eventsOfSeriesAfter({ seriesKey, after: null, first: 10 }), seriesKey).toEqual([]);
      const past = { episodeNumber: 99, sequence: 1 };
      expect(await store.eventsOfSeriesAfter({ seriesKey: 'soundtrack-1', after: past, first: 10 })).toEqual([]);
    });

    it('streams a series of 2,700 events a page at a time, as a seed file that holds every event as stored', async () => {
      const { store, seen } = watched(service().store);
      const yoga = createDramaYoga({ store, graphiql: false });
      const response = await exportOf(yoga, BIG);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-length')).toBeNull();
      const text = await response.text();
      const doc = toGraphDocument([parseSeedText(`${BIG}.json`, text)]);
      const [stored] = await service().store.eventsOfSeries([BIG]);
      expect(doc.events).toHaveLength(EPISODES * PER_EPISODE);
      expect(doc.events).toEqual(stored);
      expect(doc.events[1]!.summary).toContain('\u2028a\u2029b "quoted" \\');
      expect(seen.largestEventPage).toBe(1000);
      expect(seen.wholeSeriesReads).toBe(0);
    });

    it('compresses the stream as it flows when the client asks for gzip or brotli', async () => {
      const plain = await (await exportOf(service().yoga, BIG)).text();
      const gzipped = await exportOf(service().yoga, BIG, { 'accept-encoding': 'gzip' });
      expect(gzipped.headers.get('content-encoding')).toBe('gzip');
      const bytes = Buffer.from(await gzipped.arrayBuffer());
      expect(bytes.length).toBeLessThan(plain.length / 4);
      expect(gunzipSync(bytes).toString('utf8')).toBe(plain);
      const brotli = await exportOf(service().yoga, BIG, { 'accept-encoding': 'br' });
      expect(brotli.headers.get('content-encoding')).toBe('br');
      expect(brotliDecompressSync(Buffer.from(await brotli.arrayBuffer())).toString('utf8')).toBe(plain);
    });

    it('bounds exports in flight, in all (503) and per client (429), and frees a place when one ends or is cancelled', async () => {
      const yoga = createDramaYoga({
        store: service().store,
        graphiql: false,
        ops: { exports: { max: 2, perClient: 1, idleMs: 0 } },
      });
      const first = await exportOf(yoga, BIG);
      expect(first.status).toBe(200);
      const sameClient = await exportOf(yoga, 'soundtrack-1');
      expect(sameClient.status).toBe(429);
      expect(sameClient.headers.get('retry-after')).toBe('5');
      expect(await sameClient.json()).toMatchObject({ errors: [{ extensions: { code: 'EXPORT_LIMIT_REACHED' } }] });
      const head = await yoga.fetch(`http://drama.test/export/series/${BIG}`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-disposition')).toContain(`series-${BIG}.json`);
      await first.body!.cancel();
      const second = await exportOf(yoga, 'soundtrack-1');
      expect(second.status).toBe(200);
      await second.text();
      const third = await exportOf(yoga, 'soundtrack-1');
      expect(third.status).toBe(200);
      await third.text();

      const none = createDramaYoga({
        store: service().store,
        graphiql: false,
        ops: { exports: { max: 0, perClient: 1, idleMs: 0 } },
      });
      const refused = await exportOf(none, 'soundtrack-1');
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ errors: [{ extensions: { code: 'EXPORTS_EXHAUSTED' } }] });
      const unknown = await exportOf(yoga, 'no-such-show');
      expect(unknown.status).toBe(404);
      expect((await exportOf(yoga, 'soundtrack-1')).status).toBe(200);
    });

    // Red team 37: four clients reading a trickle held every place for as long as they liked.
    it('gives the place of another client’s slow export to a newcomer when all are taken, and no other', async () => {
      const withSlow = (slow: { windowMs: number; bytesPerSecond: number }) =>
        createDramaYoga({
          store: service().store,
          graphiql: false,
          tokens: WRITERS.tokens,
          ops: { exports: { max: 1, perClient: 1, idleMs: 0, slow } },
        });
      const slowReader = (yoga: ReturnType<typeof createDramaYoga>) => openedExport(yoga, 'catalog');

      // Any export at all counts as slow here: another client's newcomer takes its place, and it is cut off.
      const evicting = withSlow({ windowMs: 0, bytesPerSecond: Number.POSITIVE_INFINITY });
      const taken = await slowReader(evicting);
      const newcomer = await exportOf(evicting, 'soundtrack-1', WRITERS.bearer('story'));
      expect(newcomer.status).toBe(200);
      await expect(rest(taken)).rejects.toThrow(/another client took the place/);
      expect(toGraphDocument([parseSeedText('soundtrack-1.json', await newcomer.text())]).series).toHaveLength(1);
      // A client's own export never gives way to it: its own limit is what refuses it.
      const own = await slowReader(evicting);
      expect((await exportOf(evicting, 'soundtrack-1', WRITERS.bearer('catalog'))).status).toBe(429);
      await expect(rest(own)).resolves.toBe('ended whole');

      // Of the slow exports, one of a client holding two places goes to a newcomer holding none, before one of a
      // client holding one (red team 38; the order among them is unit-tested with givingWay).
      const shared = (bytesPerSecond: number) =>
        createDramaYoga({
          store: service().store,
          graphiql: false,
          tokens: WRITERS.tokens,
          ops: { exports: { max: 3, perClient: 2, idleMs: 0, slow: { windowMs: 0, bytesPerSecond } } },
        });
      const fairly = shared(Number.POSITIVE_INFINITY);
      const [first, second] = [await slowReader(fairly), await slowReader(fairly)];
      const admin = await exportOf(fairly, 'soundtrack-1', WRITERS.bearer('admin'));
      const adminReader = admin.body!.getReader();
      expect((await adminReader.read()).done).toBe(false);
      const fair = await exportOf(fairly, 'soundtrack-1', WRITERS.bearer('story'));
      expect(fair.status).toBe(200);
      const [a, b] = await Promise.allSettled([rest(first), rest(second)]);
      expect([a.status, b.status].sort()).toEqual(['fulfilled', 'rejected']);
      await expect(rest(adminReader)).resolves.toBe('ended whole');
      await fair.text();
      // However many places a client holds, exports read fast enough are not cut (red team 39 cut them at will).
      const fast = shared(0);
      const [third, fourth] = [await slowReader(fast), await slowReader(fast)];
      const held = await exportOf(fast, 'soundtrack-1', WRITERS.bearer('admin'));
      expect((await exportOf(fast, 'soundtrack-1', WRITERS.bearer('story'))).status).toBe(503);
      await expect(Promise.all([rest(third), rest(fourth)])).resolves.toEqual(['ended whole', 'ended whole']);
      await held.text();

      // Too young, or fast enough: the newcomer is refused and the export goes on whole.
      for (const slow of [
        { windowMs: 3_600_000, bytesPerSecond: Number.POSITIVE_INFINITY },
        { windowMs: 0, bytesPerSecond: 0 },
      ]) {
        const yoga = withSlow(slow);
        const kept = await slowReader(yoga);
        const refused = await exportOf(yoga, 'soundtrack-1', WRITERS.bearer('story'));
        expect(refused.status, JSON.stringify(slow)).toBe(503);
        await expect(rest(kept)).resolves.toBe('ended whole');
      }
    });

    // Red team 41: a newcomer refused for its own limit still cut another client's export, for a place it did not take.
    it('cuts no export for a newcomer that its own limit refuses', async () => {
      const yoga = createDramaYoga({
        store: service().store,
        graphiql: false,
        tokens: WRITERS.tokens,
        ops: { exports: { max: 2, perClient: 1, idleMs: 0, slow: { windowMs: 0, bytesPerSecond: Infinity } } },
      });
      const [catalog, admin] = [await openedExport(yoga, 'catalog'), await openedExport(yoga, 'admin')];
      const taken = await exportOf(yoga, 'soundtrack-1', WRITERS.bearer('story'));
      expect(taken.status).toBe(200);
      const refused = await exportOf(yoga, 'soundtrack-1', WRITERS.bearer('story'));
      expect(refused.status).toBe(429);
      expect(await refused.json()).toMatchObject({ errors: [{ extensions: { code: 'EXPORT_LIMIT_REACHED' } }] });
      const ends = await Promise.allSettled([rest(catalog), rest(admin)]);
      expect(ends.map((end) => end.status).sort()).toEqual(['fulfilled', 'rejected']);
      await taken.text();
    });

    it('cuts the stream off, never ends it whole, when a write changes the series while it streams', async () => {
      const { store } = service();
      const yoga = createDramaYoga({ store, graphiql: false });
      const response = await exportOf(yoga, BIG);
      const reader = response.body!.getReader();
      const head = await reader.read();
      expect(head.done).toBe(false);
      const [event] = await store.eventsByKeys([`${BIG}/e-3-900`]);
      await store.applyChanges(
        changeSet({ upserts: { events: [{ ...event!, summary: 'Rewritten while it was exported.' }] } }),
      );
      const rest = async () => {
        for (;;) if ((await reader.read()).done) return 'ended whole';
      };
      await expect(rest()).rejects.toThrow(/written to while it was exported/);
      const again = await (await exportOf(yoga, BIG)).text();
      expect(again).toContain('Rewritten while it was exported.');
    });

    it('npm run export reads a series again when a write changes it meanwhile, and gives up after three tries', async () => {
      const { store } = service();
      const rewrite = async (summary: string) => {
        const [event] = await store.eventsByKeys([`${BIG}/e-2-1`]);
        await store.applyChanges(changeSet({ upserts: { events: [{ ...event!, summary }] } }));
      };
      const dirs = [
        await mkdtemp(path.join(tmpdir(), 'drama-export-')),
        await mkdtemp(path.join(tmpdir(), 'drama-export-')),
      ];
      try {
        let writes = 0;
        await exportSeedDirectory(store, dirs[0]!, {
          series: [BIG],
          afterBatch: async () => {
            if (writes++ === 0) await rewrite('Rewritten once, mid-export.');
          },
        });
        const file = await readFile(path.join(dirs[0]!, `series-${BIG}.json`), 'utf8');
        expect(file).toContain('Rewritten once, mid-export.');
        expect(toGraphDocument([parseSeedText('x.json', file)]).events).toHaveLength(EPISODES * PER_EPISODE);

        let n = 0;
        const always = exportSeedDirectory(store, dirs[1]!, {
          series: [BIG],
          afterBatch: () => rewrite(`Write ${n++}`),
        });
        await expect(always).rejects.toThrow(ExportError);
        await expect(always).rejects.toThrow(/3 times in a row/);
        expect(await readdir(dirs[1]!)).toEqual([]);
      } finally {
        for (const dir of dirs) await rm(dir, { recursive: true, force: true });
      }
    });

    it('answers 503 STORE_UNAVAILABLE, with nothing streamed, when the store is gone', async () => {
      const store = service().store;
      const gone = new Proxy(store, {
        get: (target, property, receiver) => {
          const value = Reflect.get(target, property, receiver);
          if (typeof value !== 'function') return value;
          return () => Promise.reject(new StoreUnavailableError(store.kind));
        },
      });
      const yoga = createDramaYoga({ store: gone, graphiql: false });
      const response = await exportOf(yoga, BIG);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      const body = await response.text();
      expect(JSON.parse(body)).toMatchObject({ errors: [{ extensions: { code: 'STORE_UNAVAILABLE' } }] });
      expect(body).not.toMatch(/at .*\.ts:\d+/);
    });
  },
  load,
);
