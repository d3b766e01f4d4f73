import { describe, expect, it } from 'vitest';
import { LIST_SIZE_KEYS, type ListSizes, SERIES_LIST_KEYS, type SeriesListSizes } from '../../src/domain/list-sizes.js';
import { ListSizesCache } from '../../src/plugins/cost.js';
import type { DramaStore, StateTag } from '../../src/store/port.js';

/** A store that counts its list-size reads; `write` journals a write, `tick` turns its clock's epoch. */
function fakeStore(soleWriter: boolean) {
  const reads = { whole: 0, series: [] as string[] };
  const written: (readonly string[] | null)[] = [];
  let tag: StateTag = { writes: 'w0', epoch: 0 };
  let events = 10;
  const sized = (n: number) => Object.fromEntries(LIST_SIZE_KEYS.map((key) => [key, n])) as unknown as ListSizes;
  const store = {
    soleWriter,
    get stateTag() {
      return tag;
    },
    journal: {
      get position() {
        return written.length;
      },
      since: (position: number) => {
        const later = written.slice(position);
        return later.includes(null) ? null : new Set(later.flatMap((keys) => keys ?? []));
      },
    },
    listSizes: async () => {
      reads.whole += 1;
      return sized(events);
    },
    seriesListSizes: async (slugs: readonly string[]) => {
      reads.series.push(...slugs);
      return slugs.map(
        () => Object.fromEntries(SERIES_LIST_KEYS.map((key) => [key, events])) as unknown as SeriesListSizes,
      );
    },
  };
  return {
    cache: new ListSizesCache(store as unknown as DramaStore),
    reads,
    write: (series: readonly string[] | null) => {
      events += 1;
      written.push(series);
      tag = { ...tag, writes: `w${written.length}` };
    },
    tick: () => {
      tag = { ...tag, epoch: tag.epoch + 1 };
    },
  };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('ListSizesCache', () => {
  it.each([
    [true, 1, ['a']],
    [false, 2, ['a', 'a']],
  ])(
    'sole writer %s: after the clock turns, reads the sizes %i time(s) in all, and a series %j',
    async (sole, whole, series) => {
      const { cache, reads, tick } = fakeStore(sole);
      await cache.current();
      await cache.ofSeries(['a']);
      await cache.ofSeries(['a']);
      expect(reads).toEqual({ whole: 1, series: ['a'] });
      tick();
      await cache.current();
      await settled();
      await cache.ofSeries(['a']);
      expect(reads).toEqual({ whole, series });
    },
  );

  it.each([true, false])(
    'sole writer %s: a write of this process is read at once, for the series it touched only',
    async (sole) => {
      const { cache, reads, write } = fakeStore(sole);
      expect((await cache.current()).eventsPerEpisode).toBe(10);
      await cache.ofSeries(['a', 'b']);
      write(['a']);
      expect((await cache.current()).eventsPerEpisode).toBe(11);
      expect((await cache.ofSeries(['a', 'b'])).get('a')?.eventsPerEpisode).toBe(11);
      expect(reads).toEqual({ whole: 2, series: ['a', 'b', 'a'] });
      // A write the journal cannot name (an import) may have touched any series.
      write(null);
      await cache.ofSeries(['a', 'b']);
      expect(reads.series).toEqual(['a', 'b', 'a', 'a', 'b']);
    },
  );
});
