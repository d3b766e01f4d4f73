import { COLLECTION_FACTS, type Collection, type RecordOf } from '../../domain/collections.js';
import { episodeKey, scopedKey, slugOf } from '../../domain/keys.js';
import type { ListSizes } from '../../domain/list-sizes.js';
import type { PlotEventRecord } from '../../domain/records.js';
import { SEARCH_TYPES, type Searchable, storedSearchKeys } from '../../domain/search/keys.js';
import { isTropeEventKind } from '../../domain/tropes.js';
import {
  BILLING_RANK,
  type Certainty,
  CREDIT_ROLE_RANK,
  type ParticipantRole,
  type PlotEventKind,
} from '../../domain/vocabulary.js';

/**
 * The layout this code reads and writes; stored under FORMAT_KEY in the meta database. Format 5 adds
 * SUMMARIES_DUE (format 4 kept every summary up to date in each write transaction). Format 4 adds SUMMARIES. Format 3 keeps records in `records.<collection>` (msgpack with shared structures, LZ4 above a
 * threshold) and event facts with series-relative character slugs; format 2 kept records in `<collection>`
 * as plain msgpack with full keys.
 */
export const FORMAT = 5;
/** The format whose records and indexes are this layout's, without SUMMARIES. */
export const INDEXED_FORMAT = 3;
/** The format whose summaries were all up to date: this layout's, without SUMMARIES_DUE. */
export const SUMMARISED_FORMAT = 4;
/** Formats a writer migrates from: 4, 3, 2, and none (the layout before the indexes, records only). */
export const MIGRATES_FROM: readonly (number | undefined)[] = [undefined, 2, INDEXED_FORMAT, SUMMARISED_FORMAT];
export const FORMAT_KEY = 'format';
/** Bumped by every write transaction, whichever process commits it. */
export const VERSION_KEY = 'version';

/** The database holding a collection's records (format 3). */
export const recordDatabase = (collection: Collection): string => `records.${collection}`;

type KeyPart = string | number;
export type IndexKey = KeyPart[];

/**
 * The ordered indexes, one lmdb database each, keyed by arrays (ordered-binary: element by element, a
 * prefix first). The record key is always the last element; eventsByPosition holds each event's facts as
 * value (the other event indexes name the position, where they are read).
 */
export const INDEXES = [
  'seriesBySlug',
  'seriesByStar',
  'episodesBySeries',
  'charactersBySeries',
  'castingsBySeries',
  'castingsByPerson',
  'castingsByCharacter',
  'creditsBySeries',
  'creditsByPerson',
  'relationshipsBySeries',
  'relationshipsByCharacter',
  'eventsByPosition',
  'eventsByCharacter',
  'eventsByAgent',
  'eventsByTarget',
  'eventsByParticipant',
  'searchKeys',
  'searchGrams',
] as const;
export type IndexName = (typeof INDEXES)[number];

/**
 * series key → its SeriesSummary (domain/series-summary.ts), as last derived; it stands only while the
 * series has no row in SUMMARIES_DUE.
 */
export const SUMMARIES = 'seriesSummaries';
/**
 * series key → the serial of the last write transaction that changed the series or its relationships,
 * trope-kind events, castings or credits: its summary is due. Reads derive a due summary from the story;
 * a writer derives it in the background and keeps it, unless another write has changed the serial since.
 */
export const SUMMARIES_DUE = 'seriesSummariesDue';
/** The meta key of the last serial written to SUMMARIES_DUE. */
export const DUE_SERIAL_KEY = 'summaryDueSerial';

/**
 * The series whose summary depends on this record, or null: people (a summary names only their keys), and
 * events of kinds no trope is derived from (a summary reads only TROPE_EVENT_KINDS), so that writing them
 * does not mark the summary due (to be derived again from every trope event of a long series).
 */
export function summarisedSeries<C extends Collection>(collection: C, record: RecordOf<C>): string | null {
  switch (collection) {
    case 'series':
      return record.key;
    case 'events': {
      const event = record as PlotEventRecord;
      return isTropeEventKind(event.kind) ? event.seriesKey : null;
    }
    case 'relationships':
    case 'castings':
    case 'credits':
      return (record as RecordOf<'relationships' | 'castings' | 'credits'>).seriesKey;
    default:
      return null;
  }
}

/**
 * What findEvents and the event lists filter on, kept in eventsByPosition so a scan decodes no record.
 * Characters are named relative to the event's series (key[0] of the row), see `relative`.
 */
export type EventFacts = [
  kind: PlotEventKind,
  outcome: string | null,
  agent: StoredCharacter | null,
  target: StoredCharacter | null,
  participants: [character: StoredCharacter, role: ParticipantRole][],
  /** Absent in rows written before certainty existed: those events are STATED. */
  certainty?: Certainty,
];

export interface IndexEntry {
  index: IndexName;
  key: IndexKey;
  value: unknown;
}

/** A list a record belongs to, counted for listSizes: the kind of list and the record that holds it. */
export type Membership = [kind: keyof ListSizes, holder: string];
/** A list a record holds itself, by its length. */
export type OwnList = [kind: keyof ListSizes, length: number];

const GRAM = 3;

/** Every distinct run of GRAM code units in the keys: a key holding a query holds each of the query's runs. */
export function gramsOf(keys: readonly string[]): Set<string> {
  const grams = new Set<string>();
  for (const key of keys) for (let i = 0; i + GRAM <= key.length; i++) grams.add(key.slice(i, i + GRAM));
  return grams;
}

const searchTypeIndex = (type: Searchable['type']): number => SEARCH_TYPES.indexOf(type);

/** A character key as eventsByPosition holds it: its slug when it is `<series>/<slug>`, else `[key]`. */
type StoredCharacter = string | [key: string];

function relative(seriesKey: string, key: string): StoredCharacter {
  const slug = key.startsWith(`${seriesKey}/`) ? key.slice(seriesKey.length + 1) : null;
  return slug !== null && !slug.includes('/') ? slug : [key];
}

/** The character key that `relative` stored. */
export const absolute = (seriesKey: string, stored: StoredCharacter): string =>
  typeof stored === 'string' ? scopedKey(seriesKey, stored) : stored[0];

const factsOf = (e: PlotEventRecord): EventFacts => [
  e.kind,
  e.outcome,
  e.agentKey === null ? null : relative(e.seriesKey, e.agentKey),
  e.targetKey === null ? null : relative(e.seriesKey, e.targetKey),
  e.participants.map((p) => [relative(e.seriesKey, p.characterKey), p.role]),
  e.certainty,
];

const position = (e: PlotEventRecord): IndexKey => [e.seriesKey, e.episodeNumber, e.sequence, e.key];
const distinct = <T>(items: readonly T[]): T[] => [...new Set(items)];

function searchEntries<C extends Collection>(collection: C, record: RecordOf<C>): IndexEntry[] {
  const type = COLLECTION_FACTS[collection].searchType;
  if (type === null) return [];
  const keys = storedSearchKeys({ type, record } as Searchable);
  const t = searchTypeIndex(type);
  return [
    { index: 'searchKeys', key: [t, record.key], value: keys },
    ...[...gramsOf(keys)].map((gram): IndexEntry => ({ index: 'searchGrams', key: [gram, t, record.key], value: 1 })),
  ];
}

/** The index entries a record has, from which every list the port answers is read in order. */
export function entriesOf<C extends Collection>(collection: C, record: RecordOf<C>): IndexEntry[] {
  const entries = searchEntries(collection, record);
  const add = (index: IndexName, key: IndexKey, value: unknown = 1) => entries.push({ index, key, value });
  switch (collection) {
    case 'series': {
      const s = record as RecordOf<'series'>;
      add('seriesBySlug', [s.slug, s.key]);
      for (const star of distinct(s.starring)) add('seriesByStar', [star, s.key]);
      break;
    }
    case 'episodes': {
      const e = record as RecordOf<'episodes'>;
      add('episodesBySeries', [e.seriesKey, e.number, e.key]);
      break;
    }
    case 'characters': {
      const c = record as RecordOf<'characters'>;
      add('charactersBySeries', [c.seriesKey, c.slug, c.key]);
      break;
    }
    case 'castings': {
      const c = record as RecordOf<'castings'>;
      const rank = BILLING_RANK[c.billing];
      add('castingsBySeries', [c.seriesKey, rank, c.personKey, c.characterKey, c.key]);
      add('castingsByPerson', [c.personKey, c.seriesKey, rank, c.characterKey, c.key]);
      add('castingsByCharacter', [c.characterKey, rank, c.personKey, c.key]);
      break;
    }
    case 'credits': {
      const c = record as RecordOf<'credits'>;
      const rank = CREDIT_ROLE_RANK[c.role];
      add('creditsBySeries', [c.seriesKey, rank, c.personKey, c.key]);
      add('creditsByPerson', [c.personKey, c.seriesKey, rank, c.key]);
      break;
    }
    case 'relationships': {
      const r = record as RecordOf<'relationships'>;
      const since = r.sinceEpisode ?? 0;
      add('relationshipsBySeries', [r.seriesKey, since, r.key]);
      for (const character of distinct([r.fromKey, r.toKey]))
        add('relationshipsByCharacter', [character, since, r.key]);
      break;
    }
    case 'events': {
      const e = record as PlotEventRecord;
      const facts = factsOf(e);
      const at = position(e);
      add('eventsByPosition', at, facts);
      for (const c of distinct(e.participants.map((p) => p.characterKey))) add('eventsByCharacter', [c, ...at]);
      if (e.agentKey !== null) add('eventsByAgent', [slugOf(e.agentKey), ...at]);
      if (e.targetKey !== null) add('eventsByTarget', [slugOf(e.targetKey), ...at]);
      for (const slug of distinct(e.participants.map((p) => slugOf(p.characterKey))))
        add('eventsByParticipant', [slug, ...at]);
      break;
    }
    case 'people':
      break;
  }
  return entries;
}

/** The lists of other records this record is counted in (see listSizesOf, which this mirrors). */
export function membershipsOf<C extends Collection>(collection: C, record: RecordOf<C>): Membership[] {
  switch (collection) {
    case 'episodes':
      return [['episodesPerSeries', (record as RecordOf<'episodes'>).seriesKey]];
    case 'characters':
      return [['charactersPerSeries', (record as RecordOf<'characters'>).seriesKey]];
    case 'castings': {
      const c = record as RecordOf<'castings'>;
      return [
        ['castingsPerSeries', c.seriesKey],
        ['castingsPerPerson', c.personKey],
        ['castingsPerCharacter', c.characterKey],
      ];
    }
    case 'credits': {
      const c = record as RecordOf<'credits'>;
      return [
        ['creditsPerSeries', c.seriesKey],
        ['creditsPerPerson', c.personKey],
      ];
    }
    case 'relationships': {
      const r = record as RecordOf<'relationships'>;
      return [
        ['relationshipsPerSeries', r.seriesKey],
        ...distinct([r.fromKey, r.toKey]).map((c): Membership => ['relationshipsPerCharacter', c]),
      ];
    }
    case 'events': {
      const e = record as PlotEventRecord;
      return [
        ['eventsPerSeries', e.seriesKey],
        ['eventsPerEpisode', episodeKey(e.seriesKey, e.episodeNumber)],
        ...distinct(e.participants.map((p) => p.characterKey)).map((c): Membership => ['eventsPerCharacter', c]),
      ];
    }
    default:
      return [];
  }
}

/** The lists the record holds itself. */
export function ownListsOf<C extends Collection>(collection: C, record: RecordOf<C>): OwnList[] {
  switch (collection) {
    case 'series': {
      const s = record as RecordOf<'series'>;
      return [
        ['starringPerSeries', s.starring.length],
        ['genresPerSeries', s.genres.length],
        ['platformsPerSeries', s.platforms.length],
      ];
    }
    case 'characters':
      return [['aliasesPerCharacter', (record as RecordOf<'characters'>).aliases.length]];
    case 'events':
      return [['participantsPerEvent', (record as PlotEventRecord).participants.length]];
    default:
      return [];
  }
}
