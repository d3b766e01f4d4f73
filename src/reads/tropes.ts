import { deriveTropes, type Trope } from '../domain/tropes.js';
import type { Loaders } from './loaders.js';

/** The tropes of one series from what the viewer may see; loads batch across series. */
export async function tropesOf(loaders: Loaders, seriesKey: string): Promise<Trope[]> {
  const [characters, relationships, events] = await Promise.all([
    loaders.charactersBySeries.load(seriesKey),
    loaders.relationshipsOfSeries.load(seriesKey),
    loaders.eventsOfSeries.load(seriesKey),
  ]);
  return deriveTropes({ relationships, events, names: new Map(characters.map((c) => [c.key, c.name])) });
}
