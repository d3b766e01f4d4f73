import type { RecordOf } from '../../domain/collections.js';
import type { Dependent, EpisodePlace, Referenced, StoryView, Viewed } from '../../domain/integrity/view.js';
import type { Placed } from '../../domain/rules.js';
import { singles } from './batches.js';
import * as changeCypher from './cypher-changes.js';
import * as readCypher from './cypher-read.js';
import * as decode from './decode.js';
import type { WriteTx } from './driver.js';
import { toNumber } from './values.js';

const BY_KEYS: { [C in Viewed]: [string, (item: never) => RecordOf<C>] } = {
  series: [readCypher.SERIES_BY_KEYS, decode.toSeries],
  episodes: [readCypher.EPISODES_BY_KEYS, decode.toEpisode],
  characters: [readCypher.CHARACTERS_BY_KEYS, decode.toCharacter],
  people: [readCypher.PEOPLE_BY_KEYS, decode.toPerson],
  relationships: [readCypher.RELATIONSHIPS_BY_KEYS, decode.toRelationship],
  events: [readCypher.EVENTS_BY_KEYS, decode.toEvent],
  castings: [readCypher.CASTINGS_BY_KEYS, decode.toCasting],
};

const DEPENDENTS: { [C in Referenced]: string } = {
  series: changeCypher.SERIES_CONTENTS,
  episodes: changeCypher.EPISODE_DEPENDENTS,
  characters: changeCypher.CHARACTER_DEPENDENTS,
  people: changeCypher.PERSON_DEPENDENTS,
};

/** The stored story as seen from inside a write transaction. */
export class Neo4jStoryView implements StoryView {
  constructor(private readonly tx: WriteTx) {}

  async existing<K extends Viewed>(collection: K, keys: readonly string[]): Promise<Map<string, RecordOf<K>>> {
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

  async eventPlaces(episodes: readonly EpisodePlace[], keys: readonly string[]): Promise<Placed[]> {
    if (episodes.length === 0 && keys.length === 0) return [];
    const params = episodes.map(({ seriesKey, episodeNumber }) => ({ seriesKey, episodeNumber }));
    const rows = await this.tx.run(changeCypher.EVENT_PLACES, { episodes: params, keys });
    return rows.map((r) => ({
      key: String(r.key),
      seriesKey: String(r.seriesKey),
      episodeNumber: toNumber(r.episodeNumber),
      sequence: toNumber(r.sequence),
    }));
  }
}
