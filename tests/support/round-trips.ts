import { AsyncLocalStorage } from 'node:async_hooks';
import { roundTripChannel } from '../../src/store/round-trips.js';

const counters = new AsyncLocalStorage<{ trips: number }>();
roundTripChannel.subscribe(() => {
  const counter = counters.getStore();
  if (counter) counter.trips += 1;
});

/** Runs `work` and counts the store round trips made on its behalf, whatever else runs at the same time. */
export async function countingRoundTrips<T>(work: () => Promise<T>): Promise<{ value: T; trips: number }> {
  const counter = { trips: 0 };
  const value = await counters.run(counter, work);
  return { value, trips: counter.trips };
}
