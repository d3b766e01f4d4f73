import DataLoader from 'dataloader';
import { describe, expect, it } from 'vitest';
import { CatalogueSnapshot } from '../../src/reads/profile-cache.js';
import { afterPendingTurn } from '../../src/reads/slices.js';
import { StateCache } from '../../src/reads/state-cache.js';
import { readSignal, readsFor, sharedReads } from '../../src/store/read-scope.js';

const source = () => ({ stateTag: { writes: 'w0', epoch: 0 }, dataVersion: async () => 'v1' });

describe('the read scope of an operation', () => {
  it('reaches reads made any number of awaits, turns and loader batches later, and nothing outside it', async () => {
    const signal = new AbortController().signal;
    const seen: (AbortSignal | undefined)[] = [];
    const loader = new DataLoader(
      async (keys: readonly number[]) => {
        seen.push(readSignal());
        return keys;
      },
      { batchScheduleFn: afterPendingTurn },
    );
    await readsFor(signal, async () => {
      seen.push(readSignal());
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(readSignal());
      await Promise.all([loader.load(1), loader.load(2)]);
      seen.push(await sharedReads(async () => readSignal()));
    });
    expect(seen).toEqual([signal, signal, signal, undefined]);
    expect(readSignal()).toBeUndefined();
  });

  it('is not that of the operation that started a shared build or ranking, which others wait for', async () => {
    const signal = AbortSignal.abort();
    const cache = new StateCache<AbortSignal | undefined>();
    const built = await readsFor(signal, () => cache.get(source(), async () => readSignal()));
    expect(built).toBeUndefined();
    const snapshot = new CatalogueSnapshot([], 0);
    const ranked = await readsFor(signal, () => snapshot.ranking('s', async () => [readSignal()] as never[]));
    expect(ranked).toEqual([undefined]);
  });
});
