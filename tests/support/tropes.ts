import { deriveTropes, type Trope } from '../../src/domain/tropes.js';
import type { Loaders } from '../../src/reads/loaders.js';

type TropeLoaders = Pick<Loaders, 'charactersBySeries' | 'relationshipsOfSeries' | 'eventsOfSeries'>;

/**
 * The tropes of one series from what the viewer may see, read list by list through the request loaders and their
 * gates: what the service works out from each series' shared story must equal this.
 */
export async function tropesThroughLoaders(loaders: TropeLoaders, seriesKey: string): Promise<Trope[]> {
  const [characters, relationships, events] = await Promise.all([
    loaders.charactersBySeries.load(seriesKey),
    loaders.relationshipsOfSeries.load(seriesKey),
    loaders.eventsOfSeries.load(seriesKey),
  ]);
  return deriveTropes({ relationships, events, names: new Map(characters.map((c) => [c.key, c.name])) });
}
