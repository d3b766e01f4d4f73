import { type DocumentNode, Kind, visit } from 'graphql';
import type { PlannedEventField } from '../../store/port.js';

/**
 * Fields of every event read: its key, where it sits and its order (spoiler visibility, sorting), its kind,
 * agent and target (a relationship timeline finds its cause among an episode's events by them), and participants.
 */
const ALWAYS: readonly PlannedEventField[] = [
  'key',
  'seriesKey',
  'episodeNumber',
  'sequence',
  'kind',
  'agentKey',
  'targetKey',
  'participants',
];

/** What each field of PlotEvent reads of the record beyond ALWAYS. Every field of the type is listed (a test checks). */
export const PLOT_EVENT_FIELD_READS: Readonly<Record<string, readonly PlannedEventField[]>> = {
  id: [],
  slug: ['slug'],
  kind: [],
  sequence: [],
  episode: [],
  summary: ['summary'],
  agent: [],
  target: [],
  participants: [],
  outcome: ['outcome'],
  flashback: ['flashback'],
  certainty: ['certainty'],
  basis: ['basis'],
  source: ['sources'],
  sources: ['sources'],
};

const byDocument = new WeakMap<DocumentNode, readonly PlannedEventField[]>();

/**
 * The event fields an operation may read: ALWAYS, and those of every PlotEvent field named anywhere in its
 * document, under any type, operation or fragment. Named, not typed: a `slug` of a series counts too, so no
 * selection that reaches events by another path (an alias, an interface, a loader another field shares) misses one.
 */
export function eventFieldsOf(document: DocumentNode): readonly PlannedEventField[] {
  let fields = byDocument.get(document);
  if (fields === undefined) {
    const named = new Set<PlannedEventField>(ALWAYS);
    visit(document, {
      [Kind.FIELD]: (node) => {
        if (!Object.hasOwn(PLOT_EVENT_FIELD_READS, node.name.value)) return;
        for (const field of PLOT_EVENT_FIELD_READS[node.name.value]!) named.add(field);
      },
    });
    fields = [...named];
    byDocument.set(document, fields);
  }
  return fields;
}
