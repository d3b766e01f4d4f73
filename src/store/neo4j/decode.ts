import type {
  Alias,
  CastingRecord,
  CharacterRecord,
  CreditRecord,
  EpisodeRecord,
  ExternalIds,
  ParticipationRecord,
  PersonRecord,
  PlotEventRecord,
  RelationshipRecord,
  SeriesRecord,
  SourceRef,
  TextRevision,
} from '../../domain/records.js';
import type {
  Billing,
  Certainty,
  CreditRole,
  EventOutcome,
  ParticipantRole,
  PlotEventKind,
  RelationshipKind,
} from '../../domain/vocabulary.js';
import type { FirstShown } from '../port.js';
import { NO_PARAGRAPH } from './encode.js';
import { toNumber, toNumberOrNull } from './values.js';

/* Neo4j property maps become records with every field present (absent properties are nulls). */

export type Props = Readonly<Record<string, unknown>>;

const str = (p: Props, k: string): string => String(p[k]);
const strOrNull = (p: Props, k: string): string | null => (p[k] == null ? null : String(p[k]));
const num = (p: Props, k: string): number => toNumber(p[k]);
const numOrNull = (p: Props, k: string): number | null => toNumberOrNull(p[k]);
const list = (p: Props, k: string): string[] => (Array.isArray(p[k]) ? p[k].map(String) : []);
const flag = (p: Props, k: string): boolean => p[k] === true;

/** The sources as stored, or the one source of a record written before there could be several. */
function sourcesFrom(
  documents: unknown,
  paragraphs: unknown,
  legacyDocument: unknown,
  legacyParagraph: unknown,
): SourceRef[] {
  if (Array.isArray(documents)) {
    const numbers = Array.isArray(paragraphs) ? paragraphs : [];
    return documents.map((document, i) => {
      const paragraph = toNumberOrNull(numbers[i]);
      return { document: String(document), paragraph: paragraph === NO_PARAGRAPH ? null : paragraph };
    });
  }
  return legacyDocument == null
    ? []
    : [{ document: String(legacyDocument), paragraph: toNumberOrNull(legacyParagraph) }];
}

const sources = (p: Props): SourceRef[] =>
  sourcesFrom(p.sourceDocuments, p.sourceParagraphs, p.sourceDocument, p.sourceParagraph);

/** Revealed text as stored, or the single text (from the start) of a record written before revisions. */
/** Aliases as two parallel lists; written before aliases were revealed by episode, all are known from the start. */
function aliases(p: Props): Alias[] {
  const from = p.aliasesFrom;
  return list(p, 'aliases').map((name, i) => ({
    name,
    fromEpisode: Array.isArray(from) && from[i] != null ? toNumber(from[i]) : 1,
  }));
}

function revisions(p: Props, name: string): TextRevision[] {
  const from = p[`${name}From`];
  const texts = p[`${name}Text`];
  if (Array.isArray(from) && Array.isArray(texts))
    return from.map((episode, i) => ({ fromEpisode: toNumber(episode), text: String(texts[i]) }));
  return p[name] == null ? [] : [{ fromEpisode: 1, text: String(p[name]) }];
}

/** Records written before certainty existed were all taken as stated. */
const judged = (p: Props) => ({
  certainty: (p.certainty === 'INFERRED' ? 'INFERRED' : 'STATED') as Certainty,
  basis: revisions(p, 'basis'),
});

const externalIds = (p: Props): ExternalIds => ({
  wikidata: strOrNull(p, 'externalWikidata'),
  imdb: strOrNull(p, 'externalImdb'),
  tmdb: numOrNull(p, 'externalTmdb'),
  tvmaze: numOrNull(p, 'externalTvmaze'),
});

export const toPerson = (p: Props): PersonRecord => ({
  key: str(p, 'key'),
  slug: str(p, 'slug'),
  name: str(p, 'name'),
  nativeName: strOrNull(p, 'nativeName'),
  externalIds: externalIds(p),
  sources: sources(p),
});

export const toSeries = (p: Props): SeriesRecord => ({
  key: str(p, 'key'),
  slug: str(p, 'slug'),
  title: str(p, 'title'),
  originalTitle: strOrNull(p, 'originalTitle'),
  country: strOrNull(p, 'country'),
  releaseYear: numOrNull(p, 'releaseYear'),
  platforms: list(p, 'platforms'),
  genres: list(p, 'genres'),
  episodeCount: num(p, 'episodeCount'),
  starring: list(p, 'starring'),
  externalIds: externalIds(p),
  sources: sources(p),
});

export const toEpisode = (p: Props): EpisodeRecord => ({
  key: str(p, 'key'),
  seriesKey: str(p, 'seriesKey'),
  number: num(p, 'number'),
  title: strOrNull(p, 'title'),
  runtimeMinutes: numOrNull(p, 'runtimeMinutes'),
  sources: sources(p),
});

export const toCharacter = (p: Props): CharacterRecord => ({
  key: str(p, 'key'),
  seriesKey: str(p, 'seriesKey'),
  slug: str(p, 'slug'),
  name: str(p, 'name'),
  nativeName: strOrNull(p, 'nativeName'),
  aliases: aliases(p),
  description: revisions(p, 'description'),
  firstEpisode: numOrNull(p, 'firstEpisode'),
  ...judged(p),
  sources: sources(p),
});

export const toCasting = (p: Props): CastingRecord => ({
  key: str(p, 'key'),
  seriesKey: str(p, 'seriesKey'),
  personKey: str(p, 'personKey'),
  characterKey: str(p, 'characterKey'),
  billing: str(p, 'billing') as Billing,
  ...judged(p),
  sources: sources(p),
});

export const toCredit = (p: Props): CreditRecord => ({
  key: str(p, 'key'),
  seriesKey: str(p, 'seriesKey'),
  personKey: str(p, 'personKey'),
  role: str(p, 'role') as CreditRole,
  sources: sources(p),
});

export const toFirstShown = (p: Props): FirstShown => ({
  characterKey: String(p.characterKey),
  earliestEvent: numOrNull(p, 'earliestEvent'),
  earliestSince: numOrNull(p, 'earliestSince'),
});

export const toRelationship = (p: Props): RelationshipRecord => ({
  key: str(p, 'key'),
  seriesKey: str(p, 'seriesKey'),
  slug: str(p, 'slug'),
  kind: str(p, 'kind') as RelationshipKind,
  fromKey: str(p, 'fromKey'),
  toKey: str(p, 'toKey'),
  mutual: flag(p, 'mutual'),
  sinceEpisode: numOrNull(p, 'sinceEpisode'),
  untilEpisode: numOrNull(p, 'untilEpisode'),
  revealedIn: numOrNull(p, 'revealedIn'),
  note: revisions(p, 'note'),
  ...judged(p),
  sources: sources(p),
});

/**
 * Events are the bulk of most answers, so they travel as positional lists, in this order, then their
 * participants as [characterKey, role, position] lists: decoding them skips a key string per field.
 */
export const EVENT_FIELDS = [
  'key',
  'seriesKey',
  'slug',
  'episodeNumber',
  'sequence',
  'kind',
  'summary',
  'agentKey',
  'targetKey',
  'outcome',
  'flashback',
  'sourceDocument',
  'sourceParagraph',
  'sourceDocuments',
  'sourceParagraphs',
  'certainty',
  'basis',
  'basisFrom',
  'basisText',
] as const;

function participants(value: unknown): ParticipationRecord[] {
  const rows = (Array.isArray(value) ? value : []) as (readonly unknown[])[];
  return [...rows]
    .sort((a, b) => toNumber(a[2]) - toNumber(b[2]))
    .map(([characterKey, role]) => ({ characterKey: String(characterKey), role: role as ParticipantRole }));
}

const EVENT_INDEX = Object.fromEntries(EVENT_FIELDS.map((field, i) => [field, i])) as Record<
  (typeof EVENT_FIELDS)[number],
  number
>;

export const toEvent = (row: readonly unknown[]): PlotEventRecord => {
  const p = (field: keyof typeof EVENT_INDEX): unknown => row[EVENT_INDEX[field]];
  const textOrNull = (field: keyof typeof EVENT_INDEX): string | null => (p(field) == null ? null : String(p(field)));
  return {
    key: String(p('key')),
    seriesKey: String(p('seriesKey')),
    slug: textOrNull('slug') ?? '',
    episodeNumber: toNumber(p('episodeNumber')),
    sequence: toNumber(p('sequence')),
    kind: String(p('kind')) as PlotEventKind,
    summary: textOrNull('summary') ?? '',
    agentKey: textOrNull('agentKey'),
    targetKey: textOrNull('targetKey'),
    participants: participants(row[EVENT_FIELDS.length]),
    outcome: textOrNull('outcome') as EventOutcome | null,
    flashback: p('flashback') === true,
    certainty: p('certainty') === 'INFERRED' ? 'INFERRED' : 'STATED',
    basis: revisions({ basis: p('basis'), basisFrom: p('basisFrom'), basisText: p('basisText') }, 'basis'),
    sources: sourcesFrom(p('sourceDocuments'), p('sourceParagraphs'), p('sourceDocument'), p('sourceParagraph')),
  };
};
