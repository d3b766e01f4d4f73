import { episodeKey } from '../../domain/keys.js';
import type {
  CastingRecord,
  CreditRecord,
  ExternalIds,
  PlotEventRecord,
  RelationshipRecord,
  SourceRef,
} from '../../domain/records.js';

/* Records become Neo4j property maps: sources and external ids are flattened, endpoints become relationships. */

type Flat<T> = Omit<T, 'source'> & { sourceDocument: string | null; sourceParagraph: number | null };

const flatSource = (source: SourceRef | null) => ({
  sourceDocument: source?.document ?? null,
  sourceParagraph: source?.paragraph ?? null,
});

export function flatten<T extends { source: SourceRef | null }>(record: T): Flat<T> {
  const { source, ...rest } = record;
  return { ...rest, ...flatSource(source) };
}

/** A map is no Neo4j property: each site's id is a property of its own (null ones are not stored). */
const flatExternalIds = (ids: ExternalIds) => ({
  externalWikidata: ids.wikidata,
  externalImdb: ids.imdb,
  externalTmdb: ids.tmdb,
  externalTvmaze: ids.tvmaze,
});

/** A series or person as node properties. */
export function flattenWithExternalIds<T extends { source: SourceRef | null; externalIds: ExternalIds }>(record: T) {
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
