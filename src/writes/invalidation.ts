import { encodeGlobalID } from '@pothos/plugin-relay';
import { episodeKey } from '../domain/keys.js';
import type { ChangeSet, Collection } from '../domain/writes/changes.js';

export interface TouchedEntity {
  typename: string;
  id?: string;
}

const TYPENAMES: Record<Collection, string> = {
  people: 'Person', series: 'Series', episodes: 'Episode', characters: 'Character',
  castings: 'Casting', credits: 'Credit', relationships: 'Relationship', events: 'PlotEvent',
};

/**
 * What cached responses a change may have made stale: every response holding any record of a written
 * type (lists and filters may gain or lose members), and every response holding a record the written
 * ones hang from (a series' episodes, an episode's events, a character's relationships).
 */
export function touchedEntities({ upserts, deletes }: ChangeSet): TouchedEntity[] {
  const nodes = new Map<string, string>();
  const node = (typename: string, key: string) => nodes.set(encodeGlobalID(typename, key), typename);
  const types = new Set<string>();
  for (const collection of Object.keys(TYPENAMES) as Collection[]) {
    if (upserts[collection].length > 0 || deletes[collection].length > 0) types.add(TYPENAMES[collection]);
    for (const key of deletes[collection]) node(TYPENAMES[collection], key);
  }
  const inSeries = [...upserts.episodes, ...upserts.characters, ...upserts.castings, ...upserts.credits, ...upserts.relationships];
  for (const r of [...inSeries, ...upserts.events]) node('Series', r.seriesKey);
  for (const c of [...upserts.castings, ...upserts.credits]) node('Person', c.personKey);
  for (const c of upserts.castings) node('Character', c.characterKey);
  for (const r of upserts.relationships) [r.fromKey, r.toKey].forEach((k) => node('Character', k));
  for (const e of upserts.events) {
    node('Episode', episodeKey(e.seriesKey, e.episodeNumber));
    e.participants.forEach((p) => node('Character', p.characterKey));
  }
  return [...[...types].map((typename) => ({ typename })), ...[...nodes].map(([id, typename]) => ({ typename, id }))];
}
