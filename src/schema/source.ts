import { builder } from '../builder.js';
import type { Cited, Judged, SourceRef, TextRevision } from '../domain/records.js';
import { latestText } from '../domain/spoilers.js';
import { CERTAINTIES } from '../domain/vocabulary.js';
import { describedValues } from './support/enum-values.js';

const SourceType = builder.objectRef<SourceRef>('Source').implement({
  description: 'Where a fact comes from: a document and, where known, the paragraph that states it.',
  fields: (t) => ({
    document: t.exposeString('document', { description: 'The title of the source document.' }),
    paragraph: t.exposeInt('paragraph', {
      nullable: true,
      description: 'The 1-based paragraph of the document, counting every non-blank line as one paragraph.',
    }),
  }),
});

export const CertaintyEnum = builder.enumType('Certainty', {
  description: 'Whether a source states a fact, or it is read from what the sources state.',
  values: describedValues(CERTAINTIES, {
    STATED: 'A source states it.',
    INFERRED: 'No source states it; it is a reading of what they state, and `basis` says why.',
  }),
});

export const TextRevisionType = builder.objectRef<TextRevision>('TextRevision').implement({
  description: 'Free text as a viewer sees it from an episode on, until a later revision replaces it.',
  fields: (t) => ({
    fromEpisode: t.exposeInt('fromEpisode', { description: 'The first episode whose viewers see this text.' }),
    text: t.exposeString('text'),
  }),
});

export const TextRevisionInput = builder.inputType('TextRevisionInput', {
  description: 'Free text revealed from an episode on; episode 1 means from the start.',
  fields: (t) => ({
    fromEpisode: t.int({ required: true, description: 'From 1 to the series episodeCount; each episode once.' }),
    text: t.string({ required: true }),
  }),
});

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
type FieldBuilder<T> = PothosSchemaTypes.ObjectFieldBuilder<Types, T>;

/** `sources`, and `source` deprecated as the first of them, for an object type of cited records. */
export const citedFields = <T extends Cited>(t: FieldBuilder<T>) => ({
  sources: t.field({
    type: [SourceType],
    description:
      'Where this fact comes from: every source that states it (or, for an inferred fact, that it is read from).',
    resolve: (record) => record.sources,
  }),
  source: t.field({
    type: SourceType,
    nullable: true,
    description: 'Where this fact comes from: the first of `sources`.',
    deprecationReason: 'Use sources: a fact may have several.',
    resolve: (record) => record.sources[0] ?? null,
  }),
});

/** `certainty` and `basis`, for an object type of judged records. */
export const judgedFields = <T extends Judged>(t: FieldBuilder<T>) => ({
  certainty: t.field({
    type: CertaintyEnum,
    description: 'STATED when a source states it; INFERRED when it is read from the sources.',
    resolve: (record) => record.certainty,
  }),
  basis: t.string({
    nullable: true,
    description:
      'Why an INFERRED fact is believed, as far as the viewer has watched (revealed by episode like a description); null for a STATED one, or when no basis is revealed yet.',
    resolve: (record) => latestText(record.basis),
  }),
});

/** `certainty`, `basis` and `basisRevisions`, for the input of a judged record (`what`: "casting", "event", …). */
export const judgedInputFields = (t: PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>, what: string) => ({
  certainty: t.field({ type: CertaintyEnum, description: 'STATED (the default) or INFERRED, with a basis.' }),
  basis: t.string({
    description:
      `Why an INFERRED ${what} is believed, seen from the start; required for INFERRED (this or basisRevisions), ` +
      'refused for STATED. To reveal it by episode, give basisRevisions instead.',
  }),
  basisRevisions: t.field({
    type: [TextRevisionInput],
    description:
      'The basis as texts revealed by episode (each one line, at most 500 characters); not together with basis.',
  }),
});
