import { recordId, sameRecord } from '../../domain/change-log.js';
import { COLLECTIONS, type Collection, type RecordOf } from '../../domain/collections.js';
import type { GraphDocument } from '../../domain/records.js';
import { singles } from './batches.js';
import * as readCypher from './cypher-read.js';
import * as decode from './decode.js';
import type { WriteTx } from './driver.js';

const BY_KEYS: { [C in Collection]: [string, (item: never) => RecordOf<C>] } = {
  series: [readCypher.SERIES_BY_KEYS, decode.toSeries],
  episodes: [readCypher.EPISODES_BY_KEYS, decode.toEpisode],
  characters: [readCypher.CHARACTERS_BY_KEYS, decode.toCharacter],
  people: [readCypher.PEOPLE_BY_KEYS, decode.toPerson],
  castings: [readCypher.CASTINGS_BY_KEYS, decode.toCasting],
  credits: [readCypher.CREDITS_BY_KEYS, decode.toCredit],
  relationships: [readCypher.RELATIONSHIPS_BY_KEYS, decode.toRelationship],
  events: [readCypher.EVENTS_BY_KEYS, decode.toEvent],
};

/**
 * The records of `upserts` stored already exactly as given (see recordId), read inside the write's
 * transaction before it writes them: writing them again changes nothing, so it logs nothing.
 */
export async function unchangedRecords(tx: WriteTx, upserts: GraphDocument): Promise<Set<string>> {
  const unchanged = new Set<string>();
  for (const collection of COLLECTIONS) {
    const records = upserts[collection] as readonly { key: string }[];
    if (records.length === 0) continue;
    const [cypher, map] = BY_KEYS[collection] as [string, (item: never) => { key: string }];
    const keys = records.map((r) => r.key);
    const stored = singles(await tx.run(cypher, { keys }), keys.length, map);
    records.forEach((record, i) => {
      if (sameRecord(stored[i], record)) unchanged.add(recordId(collection, record.key));
    });
  }
  return unchanged;
}
