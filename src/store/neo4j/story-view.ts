import type { RecordOf } from '../../domain/writes/changes.js';
import { slotOf, type Dependent, type Referenced, type StoryView } from '../../domain/writes/view.js';
import { singles } from './batches.js';
import * as C from './cypher-changes.js';
import * as Q from './cypher-read.js';
import type { WriteTx } from './connection.js';
import * as M from './records-in.js';
import { toNumber } from './values.js';

const BY_KEYS: { [C in Referenced]: [string, (props: M.Props) => RecordOf<C>] } = {
  series: [Q.SERIES_BY_KEYS, M.toSeries],
  episodes: [Q.EPISODES_BY_KEYS, M.toEpisode],
  characters: [Q.CHARACTERS_BY_KEYS, M.toCharacter],
  people: [Q.PEOPLE_BY_KEYS, M.toPerson],
};

const DEPENDENTS: { [C in Referenced]: string } = {
  series: C.SERIES_CONTENTS,
  episodes: C.EPISODE_DEPENDENTS,
  characters: C.CHARACTER_DEPENDENTS,
  people: C.PERSON_DEPENDENTS,
};

/** The stored story as seen from inside a write transaction. */
export class Neo4jStoryView implements StoryView {
  constructor(private readonly tx: WriteTx) {}

  async existing<K extends Referenced>(collection: K, keys: readonly string[]): Promise<Map<string, RecordOf<K>>> {
    if (keys.length === 0) return new Map();
    const [cypher, map] = BY_KEYS[collection];
    const found = singles(await this.tx.run(cypher, { keys }), keys.length, map);
    return new Map(keys.flatMap((key, i) => (found[i] ? [[key, found[i]] as const] : [])));
  }

  async dependents(collection: Referenced, keys: readonly string[]): Promise<Map<string, Dependent[]>> {
    if (keys.length === 0) return new Map();
    const rows = await this.tx.run(DEPENDENTS[collection], { keys });
    const found = new Map<string, Dependent[]>(keys.map((key) => [key, []]));
    for (const row of rows) found.set(keys[toNumber(row.i)]!, row.items as Dependent[]);
    return found;
  }

  async eventsAt(slots: readonly { seriesKey: string; episodeNumber: number; sequence: number }[]) {
    if (slots.length === 0) return new Map<string, string>();
    const params = slots.map(({ seriesKey, episodeNumber, sequence }) => ({ seriesKey, episodeNumber, sequence }));
    const rows = await this.tx.run(C.EVENTS_AT, { slots: params });
    return new Map(rows.map((r) => [slotOf(String(r.seriesKey), toNumber(r.episodeNumber), toNumber(r.sequence)), String(r.key)]));
  }
}
