import { z } from 'zod';
import { characterRecord, eventRecord, relationshipRecord } from '../domain/build.js';
import type { CharacterRecord, PlotEventRecord, RelationshipRecord } from '../domain/records.js';
import { FIELD_RULES as F } from '../domain/rules.js';
import type { ParticipantRole } from '../domain/vocabulary.js';
import { EVENT_OUTCOMES, PARTICIPANT_ROLES, PLOT_EVENT_KINDS, RELATIONSHIP_KINDS } from '../domain/vocabulary.js';
import {
  aliasesField,
  characterRef,
  citedFields,
  intField,
  judgedInputFields,
  list,
  optional,
  parseInput,
  revealedText,
  revisionsField,
  slugField,
  textField,
  withRevisions,
  withSources,
} from './fields.js';

const characterInput = z
  .object({
    series: slugField(F.character.series),
    slug: slugField(F.character.slug),
    name: textField(F.character.name),
    nativeName: optional(textField(F.character.nativeName)),
    aliases: list(aliasesField),
    aliasesByEpisode: aliasesField.nullish(),
    description: revealedText,
    descriptionRevisions: revisionsField.nullish(),
    firstEpisode: optional(intField(F.character.firstEpisode)),
    ...judgedInputFields,
    ...citedFields,
  })
  .transform((v, ctx) =>
    withRevisions(
      withRevisions(
        withRevisions(withSources(v, ctx, true), ctx, 'aliases', 'aliasesByEpisode'),
        ctx,
        'description',
        'descriptionRevisions',
      ),
      ctx,
      'basis',
      'basisRevisions',
    ),
  );

const relationshipInput = z
  .object({
    series: slugField(F.relationship.series),
    slug: slugField(F.relationship.slug),
    kind: z.enum(RELATIONSHIP_KINDS),
    from: characterRef,
    to: characterRef,
    mutual: z.boolean(),
    since: optional(intField(F.relationship.since)),
    until: optional(intField(F.relationship.until)),
    revealedIn: optional(intField(F.relationship.revealedIn)),
    note: revealedText,
    noteRevisions: revisionsField.nullish(),
    ...judgedInputFields,
    ...citedFields,
  })
  .transform((v, ctx) =>
    withRevisions(
      withRevisions(withSources(v, ctx, true), ctx, 'note', 'noteRevisions'),
      ctx,
      'basis',
      'basisRevisions',
    ),
  );

const OTHER_ROLES = PARTICIPANT_ROLES.filter((role) => role !== 'AGENT' && role !== 'TARGET');
const participantInput = z.object({
  character: characterRef,
  role: z.enum(OTHER_ROLES as [string, ...string[]], {
    message: 'must be WITNESS, PRESENT or MENTIONED: agent and target have fields of their own',
  }),
});

const eventInput = z
  .object({
    series: slugField(F.event.series),
    slug: slugField(F.event.slug),
    episode: intField(F.event.episode),
    sequence: intField(F.event.sequence),
    kind: z.enum(PLOT_EVENT_KINDS),
    summary: textField(F.event.summary),
    agent: optional(characterRef),
    target: optional(characterRef),
    participants: list(z.array(participantInput)),
    outcome: optional(z.enum(EVENT_OUTCOMES)),
    flashback: z
      .boolean()
      .nullish()
      .transform((v) => v ?? false),
    ...judgedInputFields,
    ...citedFields,
  })
  .transform((v, ctx) => withRevisions(withSources(v, ctx, true), ctx, 'basis', 'basisRevisions'));

export function toCharacterRecord(input: unknown): CharacterRecord {
  const { series, ...c } = parseInput(characterInput, input);
  return characterRecord(series, c);
}

export function toRelationshipRecord(input: unknown): RelationshipRecord {
  const { series, ...r } = parseInput(relationshipInput, input);
  return relationshipRecord(series, r);
}

/** The input names the agent and target in fields of their own; the record lists them first among the participants. */
export function toEventRecord(input: unknown): PlotEventRecord {
  const { series, ...e } = parseInput(eventInput, input);
  const participants = [
    ...(e.agent !== null ? [{ character: e.agent, role: 'AGENT' as const }] : []),
    ...(e.target !== null ? [{ character: e.target, role: 'TARGET' as const }] : []),
    ...e.participants.map((p) => ({ character: p.character, role: p.role as ParticipantRole })),
  ];
  return eventRecord(series, { ...e, participants });
}
