import { episodeKey } from '../../domain/keys.js';
import type {
  CastingRecord,
  CreditRecord,
  PlotEventRecord,
  RelationshipRecord,
  SourceRef,
} from '../../domain/records.js';

/* Records become Neo4j property maps: sources are flattened, endpoints become relationships. */

type Flat<T> = Omit<T, 'source'> & { sourceDocument: string | null; sourceParagraph: number | null };

const flatSource = (source: SourceRef | null) => ({
  sourceDocument: source?.document ?? null,
  sourceParagraph: source?.paragraph ?? null,
});

export function flatten<T extends { source: SourceRef | null }>(record: T): Flat<T> {
  const { source, ...rest } = record;
  return { ...rest, ...flatSource(source) };
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
