import { expect, it } from 'vitest';
import { perCollection } from '../../src/domain/collections.js';
import { StoreTimeoutError, StoreUnavailableError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import { BootstrapState, bootstrapStore } from '../../src/store/bootstrap.js';
import type { OpenedStore } from '../../src/store/open.js';

/** A store whose seeding fails with `failures` in turn, then succeeds. */
function flakyStore(failures: Error[]) {
  const calls = { imports: 0 };
  const store = {
    counts: async () => perCollection(() => 0),
    importDocument: async () => {
      calls.imports += 1;
      const failure = failures.shift();
      if (failure) throw failure;
      return perCollection(() => 1);
    },
  } as unknown as OpenedStore;
  return { store, calls };
}

const settled = async (state: BootstrapState) => {
  for (let i = 0; i < 1_000 && state.phase === 'retrying'; i += 1) await new Promise((r) => setTimeout(r, 5));
  return state.phase;
};

it.each([
  ['unavailable', new StoreUnavailableError('neo4j')],
  ['too busy to finish in time', new StoreTimeoutError('neo4j')],
])('retries seeding while the store is %s, then is ready', async (_what, failure) => {
  const { store, calls } = flakyStore([failure, failure]);
  const state = new BootstrapState();
  const lines: string[] = [];
  const logger = createLogger('warn', { write: (line: string) => void lines.push(line) });
  expect(await bootstrapStore(store, { seedOnStart: true, retryMs: 1 }, logger, state)).toBe('retrying');
  expect(await settled(state)).toBe('ready');
  expect(calls.imports).toBe(3);
  // Each retry says why by its code (red team 70 saw only retryMs).
  const retries = lines.map((line) => JSON.parse(line)).filter((line) => /will be retried/.test(line.msg));
  expect(retries.map((line) => line.code)).toEqual([failure.extensions.code, failure.extensions.code]);
});

it('fails, without retrying, on any other error', async () => {
  const { store, calls } = flakyStore([new Error('a bad seed')]);
  const state = new BootstrapState();
  await expect(bootstrapStore(store, { seedOnStart: true, retryMs: 1 }, createLogger('silent'), state)).rejects.toThrow(
    'a bad seed',
  );
  expect(state.phase).toBe('failed');
  expect(calls.imports).toBe(1);
});
