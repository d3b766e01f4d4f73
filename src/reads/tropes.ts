import { deriveTropes, type Trope, type TropeKind } from '../domain/tropes.js';
import type { Loaders } from './loaders.js';

type TropeLoaders = Pick<Loaders, 'charactersBySeries' | 'relationshipsOfSeries'>;
type EventsLoader = Loaders['eventsOfSeries'];

/** The tropes of one series from what the viewer may see of its relationships and of `events`; loads batch across series. */
async function tropesFrom(loaders: TropeLoaders, events: EventsLoader, seriesKey: string): Promise<Trope[]> {
  const [characters, relationships, seen] = await Promise.all([
    loaders.charactersBySeries.load(seriesKey),
    loaders.relationshipsOfSeries.load(seriesKey),
    events.load(seriesKey),
  ]);
  return deriveTropes({ relationships, events: seen, names: new Map(characters.map((c) => [c.key, c.name])) });
}

/** The tropes of one series from what the viewer may see, with their evidence. */
export const tropesOf = (loaders: TropeLoaders & Pick<Loaders, 'eventsOfSeries'>, seriesKey: string) =>
  tropesFrom(loaders, loaders.eventsOfSeries, seriesKey);

/** Which tropes a series has as the viewer sees it, from the events that decide them alone (not their evidence). */
export const tropeKindsOf = async (loaders: Loaders, seriesKey: string): Promise<TropeKind[]> =>
  (await tropesFrom(loaders, loaders.tropeEventsOfSeries, seriesKey)).map((t) => t.kind);
