import type { CharacterRecord, PlotEventRecord } from '../../src/domain/records.js';
import type { DramaStore } from '../../src/store/port.js';
import { NO_EVENT_FILTER } from '../../src/store/port.js';
import type { Floor } from './floor.js';
import type { BenchKeys } from './keys.js';

/* The embedded floor: direct store calls, one per level, no GraphQL. */

const unique = (keys: readonly string[]) => [...new Set(keys)];

async function byKey<T extends { key: string }>(
  load: (keys: readonly string[]) => Promise<(T | null)[]>,
  keys: readonly string[],
) {
  const wanted = unique(keys);
  const records = await load(wanted);
  return new Map(wanted.map((key, i) => [key, records[i] ?? null]));
}

const named = (record: { name: string } | null | undefined) => (record ? { name: record.name } : null);

export class EmbeddedFloor implements Floor {
  constructor(private readonly store: DramaStore) {}

  async confessions(keys: BenchKeys) {
    const page = await this.store.findEvents({
      filter: { ...NO_EVENT_FILTER, series: keys.series, kinds: ['CONFESSION'] },
      first: 100,
      after: null,
    });
    const people = page.items.flatMap((e) => [e.agentKey, e.targetKey]).filter((k): k is string => k !== null);
    const characters = await byKey((k) => this.store.charactersByKeys(k), people);
    const edge = (e: PlotEventRecord) => ({
      node: {
        episode: { number: e.episodeNumber },
        sequence: e.sequence,
        summary: e.summary,
        outcome: e.outcome,
        agent: named(e.agentKey === null ? null : characters.get(e.agentKey)),
        target: named(e.targetKey === null ? null : characters.get(e.targetKey)),
      },
    });
    return { events: { edges: page.items.map(edge) } };
  }

  async seriesPage(keys: BenchKeys) {
    const [series] = await this.store.seriesByKeys([keys.series]);
    if (!series) return { series: null };
    const [episodes = []] = await this.store.episodesBySeries([series.key]);
    const events = await this.store.eventsOfEpisodes(episodes.map((e) => ({ episodeKey: e.key, kinds: null })));
    const characterKeys = unique(events.flat().flatMap((e) => e.participants.map((p) => p.characterKey)));
    const characters = await byKey((k) => this.store.charactersByKeys(k), characterKeys);
    const castings = await this.store.castingsByCharacter(characterKeys);
    const people = await byKey(
      (k) => this.store.peopleByKeys(k),
      castings.flat().map((c) => c.personKey),
    );
    const portrayedBy = new Map(
      characterKeys.map((key, i) => [key, castings[i]!.map((c) => named(people.get(c.personKey)))]),
    );
    const character = (key: string) => ({
      ...named(characters.get(key) as CharacterRecord),
      portrayedBy: portrayedBy.get(key),
    });
    const event = (e: PlotEventRecord) => ({
      sequence: e.sequence,
      kind: e.kind,
      participants: e.participants.map((p) => ({ role: p.role, character: character(p.characterKey) })),
    });
    return {
      series: {
        title: series.title,
        episodes: episodes.map((ep, i) => ({ number: ep.number, events: events[i]!.map(event) })),
      },
    };
  }

  async standing(keys: BenchKeys) {
    const key = `${keys.series}/${keys.character}`;
    const [character] = await this.store.charactersByKeys([key]);
    if (!character) return { character: null };
    const [relationships = []] = await this.store.relationshipsOf([
      { characterKey: key, asOfEpisode: keys.asOfEpisode },
    ]);
    const names = await byKey(
      (k) => this.store.charactersByKeys(k),
      relationships.flatMap((r) => [r.fromKey, r.toKey]),
    );
    const relationship = (r: (typeof relationships)[number]) => ({
      kind: r.kind,
      mutual: r.mutual,
      from: named(names.get(r.fromKey)),
      to: named(names.get(r.toKey)),
    });
    return { character: { name: character.name, relationships: relationships.map(relationship) } };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
