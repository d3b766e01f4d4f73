import type {
  Billing,
  Certainty,
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

/** Where a record comes from: its sources, the first the main one; none when the data gives none. */
export interface Cited {
  sources: SourceRef[];
}

/** Free text a viewer sees from an episode on, until a later revision replaces it. */
export interface TextRevision {
  fromEpisode: number;
  text: string;
}

/** Another name the story uses for a character, known to viewers from `fromEpisode` on. */
export interface Alias {
  name: string;
  fromEpisode: number;
}

/** Whether a source states the fact, or it is read from what sources state (then `basis` says why). */
export interface Judged {
  certainty: Certainty;
  /** Revealed by episode like a description, sorted by fromEpisode; empty when there is none. */
  basis: TextRevision[];
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

export interface SeriesRecord extends Cited {
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
}

export interface EpisodeRecord extends Cited {
  key: string;
  seriesKey: string;
  number: number;
  title: string | null;
  runtimeMinutes: number | null;
}

export interface CharacterRecord extends Cited, Judged {
  key: string;
  seriesKey: string;
  slug: string;
  name: string;
  nativeName: string | null;
  /** In the order given; each revealed from its episode. */
  aliases: Alias[];
  /** Revealed by episode, sorted by fromEpisode; empty when there is none. */
  description: TextRevision[];
  /** The episode the character first appears in, as the data states it; null: the earliest fact about them decides. */
  firstEpisode: number | null;
}

export interface PersonRecord extends Cited {
  key: string;
  slug: string;
  name: string;
  nativeName: string | null;
  externalIds: ExternalIds;
}

export interface CastingRecord extends Cited, Judged {
  key: string;
  seriesKey: string;
  personKey: string;
  characterKey: string;
  billing: Billing;
}

export interface CreditRecord extends Cited {
  key: string;
  seriesKey: string;
  personKey: string;
  role: CreditRole;
}

export interface RelationshipRecord extends Cited, Judged {
  key: string;
  seriesKey: string;
  slug: string;
  kind: RelationshipKind;
  fromKey: string;
  toKey: string;
  mutual: boolean;
  sinceEpisode: number | null;
  untilEpisode: number | null;
  /** The episode from which a viewer knows of it (null: from `since`, or from the start); never before `since`. */
  revealedIn: number | null;
  /** Revealed by episode, sorted by fromEpisode; empty when there is none. */
  note: TextRevision[];
}

export interface ParticipationRecord {
  characterKey: string;
  role: ParticipantRole;
}

export interface PlotEventRecord extends Cited, Judged {
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
