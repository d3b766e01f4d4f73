import type {
  Billing,
  CreditRole,
  EventOutcome,
  ParticipantRole,
  PlotEventKind,
  RelationshipKind,
} from './vocabulary.js';

export interface SourceRef {
  document: string;
  paragraph: number | null;
}

/** Where the same series or person is described elsewhere; each id is null when unknown. */
export interface ExternalIds {
  /** Wikidata item, "Q" and digits. */
  wikidata: string | null;
  /** IMDb: "tt…" for a series, "nm…" for a person. */
  imdb: string | null;
  /** The Movie Database (TMDB): the TV series or person id. */
  tmdb: number | null;
  /** TVmaze: the show or person id. */
  tvmaze: number | null;
}

export interface SeriesRecord {
  key: string;
  slug: string;
  title: string;
  originalTitle: string | null;
  country: string | null;
  releaseYear: number | null;
  platforms: string[];
  genres: string[];
  episodeCount: number;
  starring: string[];
  externalIds: ExternalIds;
  source: SourceRef | null;
}

export interface EpisodeRecord {
  key: string;
  seriesKey: string;
  number: number;
  title: string | null;
  runtimeMinutes: number | null;
  source: SourceRef | null;
}

export interface CharacterRecord {
  key: string;
  seriesKey: string;
  slug: string;
  name: string;
  nativeName: string | null;
  aliases: string[];
  description: string | null;
  /** The episode the character first appears in, as the data states it; null: the earliest fact about them decides. */
  firstEpisode: number | null;
  source: SourceRef | null;
}

export interface PersonRecord {
  key: string;
  slug: string;
  name: string;
  nativeName: string | null;
  externalIds: ExternalIds;
  source: SourceRef | null;
}

export interface CastingRecord {
  key: string;
  seriesKey: string;
  personKey: string;
  characterKey: string;
  billing: Billing;
  source: SourceRef | null;
}

export interface CreditRecord {
  key: string;
  seriesKey: string;
  personKey: string;
  role: CreditRole;
  source: SourceRef | null;
}

export interface RelationshipRecord {
  key: string;
  seriesKey: string;
  slug: string;
  kind: RelationshipKind;
  fromKey: string;
  toKey: string;
  mutual: boolean;
  sinceEpisode: number | null;
  untilEpisode: number | null;
  note: string | null;
  source: SourceRef | null;
}

export interface ParticipationRecord {
  characterKey: string;
  role: ParticipantRole;
}

export interface PlotEventRecord {
  key: string;
  seriesKey: string;
  slug: string;
  episodeNumber: number;
  sequence: number;
  kind: PlotEventKind;
  summary: string;
  agentKey: string | null;
  targetKey: string | null;
  participants: ParticipationRecord[];
  outcome: EventOutcome | null;
  flashback: boolean;
  source: SourceRef | null;
}

export interface GraphDocument {
  people: PersonRecord[];
  series: SeriesRecord[];
  episodes: EpisodeRecord[];
  characters: CharacterRecord[];
  castings: CastingRecord[];
  credits: CreditRecord[];
  relationships: RelationshipRecord[];
  events: PlotEventRecord[];
}

export type GraphCounts = { [K in keyof GraphDocument]: number };
