import { episodeKey } from '../../domain/keys.js';
import type {
  Alias,
  CastingRecord,
  CreditRecord,
  ExternalIds,
  PlotEventRecord,
  RelationshipRecord,
  SourceRef,
  TextRevision,
} from '../../domain/records.js';

/*
 * Records become Neo4j property maps: sources, revealed text, aliases and external ids are flattened into lists of
 * primitives (a property holds no maps), endpoints become relationships.
 */

/** No paragraph: Neo4j lists hold no nulls, and paragraphs run from 1. */
export const NO_PARAGRAPH = 0;

const flatSources = (sources: readonly SourceRef[]) => ({
  sourceDocuments: sources.map((s) => s.document),
  sourceParagraphs: sources.map((s) => s.paragraph ?? NO_PARAGRAPH),
});

/** A description or note as two parallel lists: the episode each text is revealed in, and the texts. */
const flatText = (name: string, revisions: readonly TextRevision[]) => ({
  [`${name}From`]: revisions.map((r) => r.fromEpisode),
  [`${name}Text`]: revisions.map((r) => r.text),
});

export function flatten<T extends { sources: SourceRef[] }>(record: T) {
  const { sources, ...rest } = record as T & {
    description?: TextRevision[];
    note?: TextRevision[];
    basis?: TextRevision[];
    aliases?: Alias[];
  };
  const { description, note, basis, aliases, ...plain } = rest;
  return {
    ...plain,
    ...(aliases === undefined
      ? {}
      : { aliases: aliases.map((a) => a.name), aliasesFrom: aliases.map((a) => a.fromEpisode) }),
    ...flatSources(sources),
    ...(description === undefined ? {} : flatText('description', description)),
    ...(note === undefined ? {} : flatText('note', note)),
    ...(basis === undefined ? {} : flatText('basis', basis)),
  };
}

/** A map is no Neo4j property: each site's id is a property of its own (null ones are not stored). */
const flatExternalIds = (ids: ExternalIds) => ({
  externalWikidata: ids.wikidata,
  externalImdb: ids.imdb,
  externalTmdb: ids.tmdb,
  externalTvmaze: ids.tvmaze,
});

/** A series or person as node properties. */
export function flattenWithExternalIds<T extends { sources: SourceRef[]; externalIds: ExternalIds }>(record: T) {
  const { externalIds, ...rest } = flatten(record);
  return { ...rest, ...flatExternalIds(externalIds) };
}

export function castingRow({ personKey, characterKey, ...props }: CastingRecord) {
  return { personKey, characterKey, props: flatten(props) };
}

export function creditRow({ personKey, seriesKey, ...props }: CreditRecord) {
  return { personKey, seriesKey, props: { ...flatten(props), seriesKey } };
}

export function relationshipRow({ fromKey, toKey, ...props }: RelationshipRecord) {
  return { fromKey, toKey, props: flatten(props) };
}

export function eventRow({ participants, ...props }: PlotEventRecord) {
  return { episodeKey: episodeKey(props.seriesKey, props.episodeNumber), props: flatten(props) };
}

export function participationRows(events: readonly PlotEventRecord[]) {
  return events.flatMap((e) =>
    e.participants.map((p, position) => ({ eventKey: e.key, characterKey: p.characterKey, role: p.role, position })),
  );
}
