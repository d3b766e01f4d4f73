import { expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import { BootstrapState, bootstrapStore } from '../../src/store/bootstrap.js';
import type { DramaStore } from '../../src/store/port.js';
import { createDramaYoga } from '../../src/yoga.js';
import { describeEachStore } from '../support/each-store.js';
import { errorCodes, graphql } from '../support/graphql.js';

const CONFESSIONS = '{ events(filter: { kinds: [CONFESSION] }) { totalCount } }';
const CACHED = { responseCacheTtlMs: 60_000 };

const readiness = async (yoga: ReturnType<typeof createDramaYoga>) => {
  const response = await yoga.fetch('http://drama.test/ready');
  return [response.status, await response.json()];
};

/** Each store starts empty here: bootstrap migrates and seeds it under a running service. */
describeEachStore(
  'readiness while the store bootstraps',
  (service) => {
    it('says 503 and caches nothing until migrated and seeded, then 200 with the seeded answers', async () => {
      const { store } = service();
      const bootstrap = new BootstrapState();
      const yoga = createDramaYoga({ store, ops: CACHED, bootstrap });
      expect(await readiness(yoga)).toEqual([503, { status: 'starting' }]);
      expect((await graphql(yoga, CONFESSIONS)).data).toEqual({ events: { totalCount: 0 } });

      expect(await bootstrapStore(store, { seedOnStart: true }, createLogger('silent'), bootstrap)).toBe('ready');
      expect(bootstrap.phase).toBe('ready');
      expect(await readiness(yoga)).toEqual([200, { status: 'ready' }]);
      expect((await graphql(yoga, CONFESSIONS)).data).toEqual({ events: { totalCount: 4 } });

      const before = store.roundTrips;
      expect((await graphql(yoga, CONFESSIONS)).data).toEqual({ events: { totalCount: 4 } });
      expect(store.roundTrips).toBe(before);
    });

    it('never caches an answer the store failed: the next request asks the store again', async () => {
      const { store } = service();
      let failing = true;
      const flaky = new Proxy(store, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver) as unknown;
          if ((key !== 'findEvents' && key !== 'readPlanned') || typeof value !== 'function')
            return typeof value === 'function' ? value.bind(target) : value;
          return (...args: unknown[]) =>
            failing ? Promise.reject(new StoreUnavailableError(store.kind)) : value.apply(target, args);
        },
      }) as DramaStore;
      const truth = (await graphql(createDramaYoga({ store }), CONFESSIONS)).data;
      const yoga = createDramaYoga({ store: flaky, ops: CACHED });
      const failed = await graphql(yoga, CONFESSIONS);
      expect(errorCodes(failed)).toEqual(['STORE_UNAVAILABLE']);
      failing = false;
      expect((await graphql(yoga, CONFESSIONS)).data).toEqual(truth);
      expect(truth).toEqual({ events: { totalCount: expect.any(Number) } });
    });
  },
  async () => undefined,
);
