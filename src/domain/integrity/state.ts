import { COLLECTIONS, type Collection, type RecordOf } from '../collections.js';
import { episodeKey } from '../keys.js';
import type { ChangeSet } from './changes.js';
import type { Referenced, StoryView } from './view.js';

type Wanted = { [C in Referenced]: Set<string> };
type Found = { [C in Referenced]: Map<string, RecordOf<C>> };

function referencedKeys({ upserts }: ChangeSet): Wanted {
  const wanted: Wanted = { series: new Set(), episodes: new Set(), characters: new Set(), people: new Set() };
  const inSeries = [...upserts.episodes, ...upserts.characters, ...upserts.castings, ...upserts.credits];
  for (const r of [...inSeries, ...upserts.relationships, ...upserts.events]) wanted.series.add(r.seriesKey);
  for (const s of upserts.series) for (const p of s.starring) wanted.people.add(p);
  for (const c of [...upserts.castings, ...upserts.credits]) wanted.people.add(c.personKey);
  for (const c of upserts.castings) wanted.characters.add(c.characterKey);
  for (const r of upserts.relationships) {
    wanted.characters.add(r.fromKey).add(r.toKey);
    for (const n of [r.sinceEpisode, r.untilEpisode]) if (n !== null) wanted.episodes.add(episodeKey(r.seriesKey, n));
  }
  for (const e of upserts.events) {
    wanted.episodes.add(episodeKey(e.seriesKey, e.episodeNumber));
    for (const k of [e.agentKey, e.targetKey, ...e.participants.map((p) => p.characterKey)])
      if (k) wanted.characters.add(k);
  }
  return wanted;
}

/** The story as it will be once the changes apply: stored records, overlaid by upserts, minus deletes. */
export class StoryState {
  private readonly deleted: { [C in Collection]: Set<string> };
  private readonly upserted: { [C in Collection]: Map<string, RecordOf<C>> };

  private constructor(
    readonly changes: ChangeSet,
    private readonly stored: Found,
  ) {
    const { upserts, deletes } = changes;
    const perCollection = <T>(build: (c: Collection) => T) => Object.fromEntries(COLLECTIONS.map((c) => [c, build(c)]));
    this.deleted = perCollection((c) => new Set(deletes[c])) as StoryState['deleted'];
    this.upserted = perCollection((c) => new Map(upserts[c].map((r) => [r.key, r]))) as StoryState['upserted'];
  }

  static async load(changes: ChangeSet, view: StoryView): Promise<StoryState> {
    const wanted = referencedKeys(changes);
    const fetch = <C extends Referenced>(c: C) => view.existing(c, [...wanted[c]]);
    const [series, episodes, characters, people] = await Promise.all([
      fetch('series'),
      fetch('episodes'),
      fetch('characters'),
      fetch('people'),
    ]);
    return new StoryState(changes, { series, episodes, characters, people });
  }

  get<C extends Referenced>(collection: C, key: string): RecordOf<C> | null {
    if (this.isDeleted(collection, key)) return null;
    const upserted = this.upserted[collection].get(key) as RecordOf<C> | undefined;
    return upserted ?? (this.stored[collection].get(key) as RecordOf<C> | undefined) ?? null;
  }

  isDeleted(collection: Collection, key: string): boolean {
    return this.deleted[collection].has(key);
  }

  isUpserted(collection: Collection, key: string): boolean {
    return this.upserted[collection].has(key);
  }
}
