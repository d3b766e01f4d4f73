import type {
  CastingRecord,
  CharacterRecord,
  CreditRecord,
  EpisodeRecord,
  ParticipationRecord,
  PersonRecord,
  PlotEventRecord,
  RelationshipRecord,
  SeriesRecord,
  SourceRef,
} from '../../domain/records.js';
import type { Billing, CreditRole, EventOutcome, ParticipantRole, PlotEventKind, RelationshipKind } from '../../domain/vocabulary.js';
import { toNumber, toNumberOrNull } from './values.js';

/* Neo4j property maps become records with every field present (absent properties are nulls). */

export type Props = Readonly<Record<string, unknown>>;

const str = (p: Props, k: string): string => String(p[k]);
const strOrNull = (p: Props, k: string): string | null => (p[k] == null ? null : String(p[k]));
const num = (p: Props, k: string): number => toNumber(p[k]);
const numOrNull = (p: Props, k: string): number | null => toNumberOrNull(p[k]);
const list = (p: Props, k: string): string[] => (Array.isArray(p[k]) ? p[k].map(String) : []);
const flag = (p: Props, k: string): boolean => p[k] === true;

const source = (p: Props): SourceRef | null =>
  p.sourceDocument == null ? null : { document: str(p, 'sourceDocument'), paragraph: numOrNull(p, 'sourceParagraph') };

export const toPerson = (p: Props): PersonRecord => ({
  key: str(p, 'key'), slug: str(p, 'slug'), name: str(p, 'name'), nativeName: strOrNull(p, 'nativeName'),
  source: source(p),
});

export const toSeries = (p: Props): SeriesRecord => ({
  key: str(p, 'key'), slug: str(p, 'slug'), title: str(p, 'title'), originalTitle: strOrNull(p, 'originalTitle'),
  country: strOrNull(p, 'country'), releaseYear: numOrNull(p, 'releaseYear'), platforms: list(p, 'platforms'),
  genres: list(p, 'genres'), episodeCount: num(p, 'episodeCount'), starring: list(p, 'starring'), source: source(p),
});

export const toEpisode = (p: Props): EpisodeRecord => ({
  key: str(p, 'key'), seriesKey: str(p, 'seriesKey'), number: num(p, 'number'), title: strOrNull(p, 'title'),
  runtimeMinutes: numOrNull(p, 'runtimeMinutes'), source: source(p),
});

export const toCharacter = (p: Props): CharacterRecord => ({
  key: str(p, 'key'), seriesKey: str(p, 'seriesKey'), slug: str(p, 'slug'), name: str(p, 'name'),
  nativeName: strOrNull(p, 'nativeName'), aliases: list(p, 'aliases'), description: strOrNull(p, 'description'),
  source: source(p),
});

export const toCasting = (p: Props): CastingRecord => ({
  key: str(p, 'key'), seriesKey: str(p, 'seriesKey'), personKey: str(p, 'personKey'),
  characterKey: str(p, 'characterKey'), billing: str(p, 'billing') as Billing, source: source(p),
});

export const toCredit = (p: Props): CreditRecord => ({
  key: str(p, 'key'), seriesKey: str(p, 'seriesKey'), personKey: str(p, 'personKey'),
  role: str(p, 'role') as CreditRole, source: source(p),
});

export const toRelationship = (p: Props): RelationshipRecord => ({
  key: str(p, 'key'), seriesKey: str(p, 'seriesKey'), slug: str(p, 'slug'), kind: str(p, 'kind') as RelationshipKind,
  fromKey: str(p, 'fromKey'), toKey: str(p, 'toKey'), mutual: flag(p, 'mutual'),
  sinceEpisode: numOrNull(p, 'sinceEpisode'), untilEpisode: numOrNull(p, 'untilEpisode'), note: strOrNull(p, 'note'),
  source: source(p),
});

function participants(value: unknown): ParticipationRecord[] {
  const rows = (Array.isArray(value) ? value : []) as Props[];
  return [...rows]
    .sort((a, b) => num(a, 'position') - num(b, 'position'))
    .map((r) => ({ characterKey: str(r, 'characterKey'), role: str(r, 'role') as ParticipantRole }));
}

export const toEvent = (p: Props): PlotEventRecord => ({
  key: str(p, 'key'), seriesKey: str(p, 'seriesKey'), slug: str(p, 'slug'), episodeNumber: num(p, 'episodeNumber'),
  sequence: num(p, 'sequence'), kind: str(p, 'kind') as PlotEventKind, summary: str(p, 'summary'),
  agentKey: strOrNull(p, 'agentKey'), targetKey: strOrNull(p, 'targetKey'), participants: participants(p.participants),
  outcome: strOrNull(p, 'outcome') as EventOutcome | null, flashback: flag(p, 'flashback'), source: source(p),
});
