import { expect, it } from 'vitest';
import type { ChangeSet } from '../../src/domain/integrity/changes.js';
import { ValidationError } from '../../src/domain/integrity/validation.js';
import { StoreUnavailableError } from '../../src/errors.js';
import type { DramaStore } from '../../src/store/port.js';
import { StoryWriter } from '../../src/writes/writer.js';
import { importBigSeries, seedsAndBigSeries } from '../support/big-series.js';
import { describeEachStore } from '../support/each-store.js';

const BIG = 'big-delete';
const EPISODES = 3;
const PER_EPISODE = 900;

const load = seedsAndBigSeries(BIG, EPISODES, PER_EPISODE);

describeEachStore(
  'a cascaded delete of a big series',
  (service) => {
    /** The store, recording how many events each write deletes, and failing the write numbered `failAt` (1-based). */
    function recorded(
      store: DramaStore,
      failAt: number | null = null,
      failure: () => Error = () => new StoreUnavailableError(store.kind),
    ) {
      const deletedPerWrite: number[] = [];
      const proxy = new Proxy(store, {
        get: (target, property, receiver) => {
          const value = Reflect.get(target, property, receiver);
          if (property === 'applyChanges')
            return (changes: ChangeSet, actor?: string | null) => {
              deletedPerWrite.push(changes.deletes.events.length);
              if (deletedPerWrite.length === failAt) return Promise.reject(failure());
              return store.applyChanges(changes, actor);
            };
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      return { store: proxy, deletedPerWrite };
    }

    it('deletes its events in transactions of whole episodes, the last first, and completes when asked again after a failure', async () => {
      const failing = recorded(service().store, 2);
      await expect(new StoryWriter(failing.store, async () => undefined).delete('series', BIG, true)).rejects.toThrow(
        StoreUnavailableError,
      );
      const [left] = await service().store.eventsOfSeries([BIG]);
      expect(new Set(left!.map((e) => e.episodeNumber))).toEqual(new Set([1]));
      expect(left).toHaveLength(PER_EPISODE);

      const { store, deletedPerWrite } = recorded(service().store);
      const deletion = await new StoryWriter(store, async () => undefined).delete('series', BIG, true);
      // The 900 events left go with the series, in the one cascade transaction (its plan adds them).
      expect(deletedPerWrite).toEqual([0]);
      expect((await service().store.seriesByKeys([BIG]))[0]).toBeNull();
      expect(await service().store.eventsOfSeries([BIG])).toEqual([[]]);
      expect(deletion.alsoDeleted).toBe(PER_EPISODE + EPISODES + 2);
      expect(failing.deletedPerWrite).toEqual([2 * PER_EPISODE, 0]);
    });

    it('reads the series again when a write meanwhile makes a part of the delete refused, and completes', async () => {
      await importBigSeries(service().store, 'big-delete-2', EPISODES, PER_EPISODE);
      const refused = () =>
        new ValidationError([{ path: [], message: 'a gap a concurrent write left', rule: 'sequence-gap' }]);
      const { store, deletedPerWrite } = recorded(service().store, 1, refused);
      const deletion = await new StoryWriter(store, async () => undefined).delete('series', 'big-delete-2', true);
      expect(deletedPerWrite).toEqual([2 * PER_EPISODE, 2 * PER_EPISODE, 0]);
      expect((await service().store.seriesByKeys(['big-delete-2']))[0]).toBeNull();
      expect(await service().store.eventsOfSeries(['big-delete-2'])).toEqual([[]]);
      expect(deletion.alsoDeleted).toBe(EPISODES * PER_EPISODE + EPISODES + 2);
    });

    it('deletes a series of fewer events in one transaction, as before', async () => {
      const { store, deletedPerWrite } = recorded(service().store);
      const deletion = await new StoryWriter(store, async () => undefined).delete('series', 'soundtrack-1', true);
      expect(deletedPerWrite).toEqual([0]);
      expect(deletion.alsoDeleted).toBeGreaterThan(34);
      expect(await service().store.eventsOfSeries(['soundtrack-1'])).toEqual([[]]);
    });
  },
  load,
);
