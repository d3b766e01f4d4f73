import { channel } from 'node:diagnostics_channel';

/**
 * Published once for each round trip a store counts in `roundTrips`, in the async context of the caller that made
 * it: a subscriber with an AsyncLocalStorage can tell how many each request took while others run beside it.
 */
export const roundTripChannel = channel('drama-graph:store:round-trip');

export function publishRoundTrip(): void {
  if (roundTripChannel.hasSubscribers) roundTripChannel.publish(null);
}
