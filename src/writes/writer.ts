import type { Collection, RecordOf } from '../domain/collections.js';
import { countsOf } from '../domain/collections.js';
import { type ChangeSet, changeSet } from '../domain/integrity/changes.js';
import { ValidationError } from '../domain/integrity/validation.js';
import type { GraphCounts, GraphDocument } from '../domain/records.js';
import type { StoreReader, StoreWriter } from '../store/port.js';

/** What the writer reads: a cascaded series' events, episode by episode, to delete them in bounded transactions. */
type WriterStore = StoreWriter & Pick<StoreReader, 'episodesBySeries' | 'eventsOfEpisodes'>;

/** Told of every applied change set, for example to invalidate cached responses. */
export type ChangeListener = (applied: ChangeSet) => Promise<void>;

export interface Deletion {
  collection: Collection;
  key: string;
  /** How many records the delete removed along with this one (a cascaded series' contents). */
  alsoDeleted: number;
}

/**
 * Events one transaction of a cascaded series delete removes at most (whole episodes, so more when one episode
 * alone holds more); a series with no more events than this goes in one transaction.
 */
const CASCADE_EVENTS_PER_WRITE = 2_000;
/** How often a cascaded delete reads the series again when a write meanwhile broke its next part. */
const CASCADE_ATTEMPTS = 3;

/** Keys are built from slugs of at most 120 characters; a longer one cannot name a record (and lmdb refuses keys over 1978 bytes). */
const MAX_KEY_LENGTH = 400;

/**
 * Re-roots a plan issue about the one record a mutation wrote onto that mutation's `input` argument; a revision
 * is counted in the order `input` lists them (the record keeps them by episode).
 */
function ontoInput(collection: Collection, record: { key: string }, path: string[], input: unknown): string[] {
  if (path[0] !== collection || path[1] !== record.key) return path;
  const fields = path.slice(2);
  if (collection === 'events' && fields[0] === 'participants') {
    const event = record as RecordOf<'events'>;
    const index = Number(fields[1]);
    const role = event.participants[index]?.role;
    if (role === 'AGENT' || role === 'TARGET') return ['input', role === 'AGENT' ? 'agent' : 'target'];
    const offset = event.participants.filter((p) => p.role === 'AGENT' || p.role === 'TARGET').length;
    return ['input', 'participants', String(index - offset), ...fields.slice(2)];
  }
  const list = REVISIONS.get(fields[0] ?? '');
  if (list && fields.length > 1) {
    const kept = (record as unknown as Record<string, { fromEpisode: number }[]>)[fields[0]!];
    const given = (input as Record<string, unknown> | null)?.[list];
    const episode = kept?.[Number(fields[1])]?.fromEpisode;
    const at =
      fields[0] !== 'aliases' && Array.isArray(given) ? given.findIndex((r) => r?.fromEpisode === episode) : -1;
    return ['input', list, at === -1 ? fields[1]! : String(at), ...fields.slice(2)];
  }
  const sent = input as Record<string, unknown> | null;
  if (list && sent?.[fields[0]!] == null && sent?.[list] != null) return ['input', list, ...fields.slice(1)];
  return ['input', ...fields];
}

/** A plan's issue inside revealed text is about the list by episode: one text (or a plain alias) never breaks an episode rule. */
const REVISIONS = new Map([
  ['description', 'descriptionRevisions'],
  ['note', 'noteRevisions'],
  ['basis', 'basisRevisions'],
  ['aliases', 'aliasesByEpisode'],
]);

/** The write side of one request: each call is one transaction, checked against the story inside it. */
export class StoryWriter {
  constructor(
    private readonly store: WriterStore,
    private readonly changed: ChangeListener,
    /** The name of the token writing, logged with each change; null when none. */
    private readonly actor: string | null = null,
  ) {}

  /** The same writer, logging its changes as made by `actor`. */
  as(actor: string | null): StoryWriter {
    return new StoryWriter(this.store, this.changed, actor);
  }

  /** `input`: the mutation's argument the record was read from, to point issues into it. */
  async upsert<C extends Collection>(collection: C, record: RecordOf<C>, input: unknown = null): Promise<RecordOf<C>> {
    const upserts = { [collection]: [record] } as Partial<GraphDocument>;
    await this.apply(changeSet({ upserts }), (path) => ontoInput(collection, record, path, input));
    return record;
  }

  async delete(collection: Collection, key: string, cascade = false): Promise<Deletion> {
    if (key.length > MAX_KEY_LENGTH)
      throw new ValidationError([
        { path: [], message: `no ${collection} key is longer than ${MAX_KEY_LENGTH} characters`, rule: 'max-length' },
      ]);
    const args = (path: string[]) => (path[0] === collection && path[1] === key ? path.slice(2) : path);
    const before = collection === 'series' && cascade ? await this.deleteEventsAhead(key) : 0;
    const applied = await this.apply(changeSet({ deletes: { [collection]: [key] }, cascade }), args);
    const total = Object.values(applied.deletes).reduce((n, keys) => n + keys.length, 0);
    return { collection, key, alsoDeleted: before + total - 1 };
  }

  /**
   * Before a cascaded series delete, removes its events in transactions of whole episodes, the last first, while
   * more than CASCADE_EVENTS_PER_WRITE of them remain, so no transaction grows with the series; the rest go with the
   * series in one. A failure part-way leaves the series with its earlier episodes' events: deleting again completes it.
   */
  private async deleteEventsAhead(seriesKey: string): Promise<number> {
    let deleted = 0;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.deleteEpisodesEvents(seriesKey, (n) => {
          deleted += n;
        });
        return deleted;
      } catch (error) {
        // A write to the series meanwhile (an event added to an emptied episode) may leave a gap the next part
        // refuses: read the series again, whose last episodes then include that event.
        if (!(error instanceof ValidationError) || attempt === CASCADE_ATTEMPTS) throw error;
      }
    }
  }

  private async deleteEpisodesEvents(seriesKey: string, progress: (deleted: number) => void): Promise<void> {
    const write = async (keys: string[]) => {
      await this.apply(changeSet({ deletes: { events: keys } }), (path) => path);
      progress(keys.length);
    };
    const [episodes = []] = await this.store.episodesBySeries([seriesKey]);
    let batch: string[] = [];
    for (const episode of [...episodes].reverse()) {
      const [events = []] = await this.store.eventsOfEpisodes([{ episodeKey: episode.key, kinds: null }]);
      if (batch.length > 0 && batch.length + events.length > CASCADE_EVENTS_PER_WRITE) {
        await write(batch);
        batch = [];
      }
      for (const e of events) batch.push(e.key);
      if (batch.length > CASCADE_EVENTS_PER_WRITE) {
        await write(batch);
        batch = [];
      }
    }
  }

  /** `pathOf` turns a plan's `[collection, key, ...field]` into a path into the argument the document came in. */
  async importDocument(document: GraphDocument, pathOf: (path: string[]) => string[]): Promise<GraphCounts> {
    await this.apply(changeSet({ upserts: document }), pathOf);
    return countsOf(document);
  }

  private async apply(changes: ChangeSet, rebase: (path: string[]) => string[]): Promise<ChangeSet> {
    try {
      const applied = await this.store.applyChanges(changes, this.actor);
      await this.changed(applied);
      return applied;
    } catch (error) {
      throw error instanceof ValidationError ? error.rebased(rebase) : error;
    }
  }
}
