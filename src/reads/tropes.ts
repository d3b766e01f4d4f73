import { deriveTropes, type Trope, type TropeKind } from '../domain/tropes.js';
import type { Loaders } from './loaders.js';

/** The tropes of one series from what the viewer may see; loads batch across series. */
export async function tropesOf(
  loaders: Pick<Loaders, 'charactersBySeries' | 'relationshipsOfSeries' | 'eventsOfSeries'>,
  seriesKey: string,
): Promise<Trope[]> {
  const [characters, relationships, events] = await Promise.all([
    loaders.charactersBySeries.load(seriesKey),
    loaders.relationshipsOfSeries.load(seriesKey),
    loaders.eventsOfSeries.load(seriesKey),
  ]);
  return deriveTropes({ relationships, events, names: new Map(characters.map((c) => [c.key, c.name])) });
}

/** Which tropes a series has as the viewer sees it, from the events that decide them alone (not their evidence). */
export async function tropeKindsOf(loaders: Loaders, seriesKey: string): Promise<TropeKind[]> {
  const [characters, relationships, events] = await Promise.all([
    loaders.charactersBySeries.load(seriesKey),
    loaders.relationshipsOfSeries.load(seriesKey),
    loaders.tropeEventsOfSeries.load(seriesKey),
  ]);
  return deriveTropes({ relationships, events, names: new Map(characters.map((c) => [c.key, c.name])) }).map(
    (t) => t.kind,
  );
}
