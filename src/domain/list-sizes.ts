import type { GraphDocument } from './records.js';
import type { Trope, TropeEvent } from './tropes.js';

/**
 * The longest list of each kind that one record holds in a store, e.g. the most characters any one
 * series has. They bound how many objects a query can reach through a list field.
 */
export interface ListSizes {
  episodesPerSeries: number;
  charactersPerSeries: number;
  castingsPerSeries: number;
  creditsPerSeries: number;
  starringPerSeries: number;
  genresPerSeries: number;
  platformsPerSeries: number;
  relationshipsPerSeries: number;
  eventsPerSeries: number;
  castingsPerPerson: number;
  creditsPerPerson: number;
  castingsPerCharacter: number;
  aliasesPerCharacter: number;
  relationshipsPerCharacter: number;
  eventsPerCharacter: number;
  eventsPerEpisode: number;
  participantsPerEvent: number;
}

export const LIST_SIZE_KEYS: readonly (keyof ListSizes)[] = [
  'episodesPerSeries',
  'charactersPerSeries',
  'castingsPerSeries',
  'creditsPerSeries',
  'starringPerSeries',
  'genresPerSeries',
  'platformsPerSeries',
  'relationshipsPerSeries',
  'eventsPerSeries',
  'castingsPerPerson',
  'creditsPerPerson',
  'castingsPerCharacter',
  'aliasesPerCharacter',
  'relationshipsPerCharacter',
  'eventsPerCharacter',
  'eventsPerEpisode',
  'participantsPerEvent',
];

/**
 * The sizes within one series: its lists, its episodes' events, and its characters' aliases, castings,
 * relationships and events (wherever those lie). A field read within one series is costed by these (see
 * seriesScopes); its events' participants by the store's longest, which no count kept per series can tell.
 */
export const SERIES_LIST_KEYS = [
  'episodesPerSeries',
  'charactersPerSeries',
  'castingsPerSeries',
  'creditsPerSeries',
  'starringPerSeries',
  'genresPerSeries',
  'platformsPerSeries',
  'eventsPerEpisode',
  'aliasesPerCharacter',
  'castingsPerCharacter',
  'relationshipsPerCharacter',
  'eventsPerCharacter',
] as const satisfies readonly (keyof ListSizes)[];

export type SeriesListSizes = Pick<ListSizes, (typeof SERIES_LIST_KEYS)[number]>;

type Records = { [C in keyof GraphDocument]: Iterable<GraphDocument[C][number]> };

function largest(): { add(key: string, by?: number): void; readonly max: number } {
  const sizes = new Map<string, number>();
  let max = 0;
  return {
    add(key, by = 1) {
      const size = (sizes.get(key) ?? 0) + by;
      sizes.set(key, size);
      if (size > max) max = size;
    },
    get max() {
      return max;
    },
  };
}

const longest = <T>(records: Iterable<T>, size: (record: T) => number): number => {
  let max = 0;
  for (const record of records) max = Math.max(max, size(record));
  return max;
};

/** The list sizes of a graph held in memory, in one pass over its records. */
export function listSizesOf(graph: Records): ListSizes {
  const episodesPerSeries = largest();
  const charactersPerSeries = largest();
  const castingsPerSeries = largest();
  const castingsPerPerson = largest();
  const castingsPerCharacter = largest();
  const creditsPerSeries = largest();
  const creditsPerPerson = largest();
  const relationshipsPerCharacter = largest();
  const relationshipsPerSeries = largest();
  const eventsPerSeries = largest();
  const eventsPerCharacter = largest();
  const eventsPerEpisode = largest();
  for (const episode of graph.episodes) episodesPerSeries.add(episode.seriesKey);
  for (const character of graph.characters) charactersPerSeries.add(character.seriesKey);
  for (const casting of graph.castings) {
    castingsPerSeries.add(casting.seriesKey);
    castingsPerPerson.add(casting.personKey);
    castingsPerCharacter.add(casting.characterKey);
  }
  for (const credit of graph.credits) {
    creditsPerSeries.add(credit.seriesKey);
    creditsPerPerson.add(credit.personKey);
  }
  for (const relationship of graph.relationships) {
    relationshipsPerSeries.add(relationship.seriesKey);
    relationshipsPerCharacter.add(relationship.fromKey);
    if (relationship.toKey !== relationship.fromKey) relationshipsPerCharacter.add(relationship.toKey);
  }
  for (const event of graph.events) {
    eventsPerSeries.add(event.seriesKey);
    eventsPerEpisode.add(`${event.seriesKey}\u0000${event.episodeNumber}`);
    for (const character of new Set(event.participants.map((p) => p.characterKey))) eventsPerCharacter.add(character);
  }
  return {
    episodesPerSeries: episodesPerSeries.max,
    charactersPerSeries: charactersPerSeries.max,
    castingsPerSeries: castingsPerSeries.max,
    creditsPerSeries: creditsPerSeries.max,
    starringPerSeries: longest(graph.series, (s) => s.starring.length),
    genresPerSeries: longest(graph.series, (s) => s.genres.length),
    platformsPerSeries: longest(graph.series, (s) => s.platforms.length),
    relationshipsPerSeries: relationshipsPerSeries.max,
    eventsPerSeries: eventsPerSeries.max,
    castingsPerPerson: castingsPerPerson.max,
    creditsPerPerson: creditsPerPerson.max,
    castingsPerCharacter: castingsPerCharacter.max,
    aliasesPerCharacter: longest(graph.characters, (c) => c.aliases.length),
    relationshipsPerCharacter: relationshipsPerCharacter.max,
    eventsPerCharacter: eventsPerCharacter.max,
    eventsPerEpisode: eventsPerEpisode.max,
    participantsPerEvent: longest(graph.events, (e) => e.participants.length),
  };
}

/**
 * The lists within one series of a graph held in memory (null: no such series), by the rule both stores'
 * seriesListSizes keep: a character's castings, relationships and events count wherever they lie.
 */
export function seriesListSizesOf(graph: Records, seriesKey: string): SeriesListSizes | null {
  const series = [...graph.series].find((record) => record.key === seriesKey);
  if (series === undefined) return null;
  const inSeries = <T extends { seriesKey: string }>(records: Iterable<T>) =>
    [...records].filter((record) => record.seriesKey === seriesKey);
  const characters = inSeries(graph.characters);
  const own = listSizesOf({
    people: [],
    series: [series],
    episodes: inSeries(graph.episodes),
    characters,
    castings: inSeries(graph.castings),
    credits: inSeries(graph.credits),
    relationships: [],
    events: inSeries(graph.events),
  });
  const ours = new Set(characters.map((character) => character.key));
  const perCharacter = (lists: Iterable<readonly string[]>): number => {
    const sizes = largest();
    for (const holders of lists) for (const key of new Set(holders)) if (ours.has(key)) sizes.add(key);
    return sizes.max;
  };
  return {
    ...(Object.fromEntries(SERIES_LIST_KEYS.map((key) => [key, own[key]])) as SeriesListSizes),
    castingsPerCharacter: perCharacter([...graph.castings].map((c) => [c.characterKey])),
    relationshipsPerCharacter: perCharacter([...graph.relationships].map((r) => [r.fromKey, r.toKey])),
    eventsPerCharacter: perCharacter([...graph.events].map((e) => e.participants.map((p) => p.characterKey))),
  };
}

/** The longest lists of the tropes a series shows (see tropes.ts), as derived from the whole story. */
export interface EvidenceSizes {
  /** Occurrences of all its tropes together. */
  evidencePerSeries: number;
  charactersPerEvidence: number;
  eventsPerEvidence: number;
  relationshipsPerEvidence: number;
}

export const NO_EVIDENCE: EvidenceSizes = {
  evidencePerSeries: 0,
  charactersPerEvidence: 0,
  eventsPerEvidence: 0,
  relationshipsPerEvidence: 0,
};

export function evidenceSizesOf(tropes: readonly Trope<TropeEvent>[]): EvidenceSizes {
  const evidence = tropes.flatMap((t) => t.evidence);
  return {
    evidencePerSeries: evidence.length,
    charactersPerEvidence: longest(evidence, (e) => e.characterKeys.length),
    eventsPerEvidence: longest(evidence, (e) => e.events.length),
    relationshipsPerEvidence: longest(evidence, (e) => e.relationships.length),
  };
}

export function largestEvidence(sizes: Iterable<EvidenceSizes>): EvidenceSizes {
  const all = [...sizes];
  return {
    evidencePerSeries: longest(all, (s) => s.evidencePerSeries),
    charactersPerEvidence: longest(all, (s) => s.charactersPerEvidence),
    eventsPerEvidence: longest(all, (s) => s.eventsPerEvidence),
    relationshipsPerEvidence: longest(all, (s) => s.relationshipsPerEvidence),
  };
}
