import { castingKey, creditKey, episodeKey, scopedKey } from './keys.js';
import type {
  CastingRecord,
  CharacterRecord,
  CreditRecord,
  EpisodeRecord,
  ExternalIds,
  GraphDocument,
  ParticipationRecord,
  PersonRecord,
  PlotEventRecord,
  RelationshipRecord,
  SeriesRecord,
  SourceRef,
  TextRevision,
} from './records.js';
import type {
  Billing,
  Certainty,
  CreditRole,
  EventOutcome,
  ParticipantRole,
  PlotEventKind,
  RelationshipKind,
} from './vocabulary.js';

/**
 * Records built from input, once: seed files, importBatch and the upserts all describe records in these
 * shapes (the seed format's field names) and get their keyed records here.
 */
type Cited = { sources: SourceRef[] };
type Judged = { certainty: Certainty; basis: TextRevision[] };

/** Revisions in the order they are revealed. */
const revealOrder = (revisions: readonly TextRevision[]): TextRevision[] =>
  [...revisions]
    .sort((a, b) => a.fromEpisode - b.fromEpisode)
    .map((r) => ({ fromEpisode: r.fromEpisode, text: r.text }));
const judged = (j: Judged): Judged => ({ certainty: j.certainty, basis: revealOrder(j.basis) });
export type PersonDraft = Omit<PersonRecord, 'key'>;
export type SeriesDraft = Omit<SeriesRecord, 'key'>;

/** No id known on any other site. */
export const NO_EXTERNAL_IDS: ExternalIds = Object.freeze({ wikidata: null, imdb: null, tmdb: null, tvmaze: null });

/** Every site's id, null where unknown, in one order: records compare equal whatever order they were written in. */
export const externalIdsOf = (ids: Partial<ExternalIds> | null | undefined): ExternalIds => ({
  wikidata: ids?.wikidata ?? null,
  imdb: ids?.imdb ?? null,
  tmdb: ids?.tmdb ?? null,
  tvmaze: ids?.tvmaze ?? null,
});
export type EpisodeDraft = Omit<EpisodeRecord, 'key' | 'seriesKey'>;
export type CharacterDraft = Omit<CharacterRecord, 'key' | 'seriesKey'>;
export interface CastingDraft extends Cited, Judged {
  person: string;
  character: string;
  billing: Billing;
}
export interface CreditDraft extends Cited {
  person: string;
  role: CreditRole;
}
export interface RelationshipDraft extends Cited, Judged {
  slug: string;
  kind: RelationshipKind;
  from: string;
  to: string;
  mutual: boolean;
  since: number | null;
  until: number | null;
  revealedIn: number | null;
  note: TextRevision[];
}
export interface EventDraft extends Cited, Judged {
  slug: string;
  episode: number;
  sequence: number;
  kind: PlotEventKind;
  summary: string;
  agent: string | null;
  target: string | null;
  participants: { character: string; role: ParticipantRole }[];
  outcome: EventOutcome | null;
  flashback: boolean;
}
export interface SeriesContents {
  episodes: EpisodeDraft[];
  characters: CharacterDraft[];
  castings: CastingDraft[];
  credits: CreditDraft[];
  relationships: RelationshipDraft[];
  events: EventDraft[];
}

/** A character named from within a series: its slug there, or `<series>/<slug>` for a character of any series. */
const characterKeyIn = (seriesKey: string, ref: string): string =>
  ref.includes('/') ? ref : scopedKey(seriesKey, ref);

export const personRecord = (p: PersonDraft): PersonRecord => ({
  key: p.slug,
  slug: p.slug,
  name: p.name,
  nativeName: p.nativeName,
  externalIds: externalIdsOf(p.externalIds),
  sources: p.sources,
});

export const seriesRecord = (s: SeriesDraft): SeriesRecord => ({
  key: s.slug,
  slug: s.slug,
  title: s.title,
  originalTitle: s.originalTitle,
  country: s.country,
  releaseYear: s.releaseYear,
  platforms: s.platforms,
  genres: s.genres,
  episodeCount: s.episodeCount,
  starring: s.starring,
  externalIds: externalIdsOf(s.externalIds),
  sources: s.sources,
});

export const episodeRecord = (seriesKey: string, e: EpisodeDraft): EpisodeRecord => ({
  key: episodeKey(seriesKey, e.number),
  seriesKey,
  number: e.number,
  title: e.title,
  runtimeMinutes: e.runtimeMinutes,
  sources: e.sources,
});

export const characterRecord = (seriesKey: string, c: CharacterDraft): CharacterRecord => ({
  key: scopedKey(seriesKey, c.slug),
  seriesKey,
  slug: c.slug,
  name: c.name,
  nativeName: c.nativeName,
  aliases: c.aliases.map((a) => ({ name: a.name, fromEpisode: a.fromEpisode })),
  description: revealOrder(c.description),
  firstEpisode: c.firstEpisode,
  ...judged(c),
  sources: c.sources,
});

export function castingRecord(seriesKey: string, c: CastingDraft): CastingRecord {
  const characterKey = characterKeyIn(seriesKey, c.character);
  return {
    key: castingKey(characterKey, c.person),
    seriesKey,
    personKey: c.person,
    characterKey,
    billing: c.billing,
    ...judged(c),
    sources: c.sources,
  };
}

export const creditRecord = (seriesKey: string, c: CreditDraft): CreditRecord => ({
  key: creditKey(seriesKey, c.person, c.role),
  seriesKey,
  personKey: c.person,
  role: c.role,
  sources: c.sources,
});

export const relationshipRecord = (seriesKey: string, r: RelationshipDraft): RelationshipRecord => ({
  key: scopedKey(seriesKey, r.slug),
  seriesKey,
  slug: r.slug,
  kind: r.kind,
  fromKey: characterKeyIn(seriesKey, r.from),
  toKey: characterKeyIn(seriesKey, r.to),
  mutual: r.mutual,
  sinceEpisode: r.since,
  untilEpisode: r.until,
  revealedIn: r.revealedIn,
  note: revealOrder(r.note),
  ...judged(r),
  sources: r.sources,
});

export function eventRecord(seriesKey: string, e: EventDraft): PlotEventRecord {
  const key = (ref: string | null) => (ref === null ? null : characterKeyIn(seriesKey, ref));
  const participants: ParticipationRecord[] = e.participants.map((p) => ({
    characterKey: key(p.character)!,
    role: p.role,
  }));
  return {
    key: scopedKey(seriesKey, e.slug),
    seriesKey,
    slug: e.slug,
    episodeNumber: e.episode,
    sequence: e.sequence,
    kind: e.kind,
    summary: e.summary,
    agentKey: key(e.agent),
    targetKey: key(e.target),
    participants,
    outcome: e.outcome,
    flashback: e.flashback,
    ...judged(e),
    sources: e.sources,
  };
}

/** Adds a series and everything in it to `doc`. */
export function addSeries(doc: GraphDocument, s: SeriesDraft & SeriesContents): void {
  const key = s.slug;
  doc.series.push(seriesRecord(s));
  for (const e of s.episodes) doc.episodes.push(episodeRecord(key, e));
  for (const c of s.characters) doc.characters.push(characterRecord(key, c));
  for (const c of s.castings) doc.castings.push(castingRecord(key, c));
  for (const c of s.credits) doc.credits.push(creditRecord(key, c));
  for (const r of s.relationships) doc.relationships.push(relationshipRecord(key, r));
  for (const e of s.events) doc.events.push(eventRecord(key, e));
}
