import { z } from 'zod';
import { scopedKey } from '../domain/keys.js';
import type { CharacterRecord, ParticipationRecord, PlotEventRecord, RelationshipRecord } from '../domain/records.js';
import { EVENT_OUTCOMES, PARTICIPANT_ROLES, PLOT_EVENT_KINDS, RELATIONSHIP_KINDS } from '../domain/vocabulary.js';
import { characterKeyIn, characterRef, list, name, optional, parseInput, positiveInt, prose, slug, source } from './fields.js';

const characterInput = z.object({
  series: slug, slug, name, nativeName: optional(name), aliases: list(name, 50), description: optional(prose), source,
});

const relationshipInput = z
  .object({
    series: slug, slug, kind: z.enum(RELATIONSHIP_KINDS), from: characterRef, to: characterRef, mutual: z.boolean(),
    since: optional(positiveInt), until: optional(positiveInt), note: optional(prose), source,
  })
  .refine((r) => r.from !== r.to, { path: ['to'], message: 'a relationship needs two different characters' })
  .refine((r) => r.since === null || r.until === null || r.until >= r.since, {
    path: ['until'],
    message: 'a relationship cannot end before it begins',
  });

const OTHER_ROLES = PARTICIPANT_ROLES.filter((role) => role !== 'AGENT' && role !== 'TARGET');
const participantInput = z.object({
  character: characterRef,
  role: z.enum(OTHER_ROLES as [string, ...string[]], { message: 'must be WITNESS, PRESENT or MENTIONED: agent and target have fields of their own' }),
});

const eventInput = z.object({
  series: slug, slug, episode: positiveInt, sequence: positiveInt, kind: z.enum(PLOT_EVENT_KINDS), summary: prose,
  agent: optional(characterRef), target: optional(characterRef), participants: list(participantInput, 50),
  outcome: optional(z.enum(EVENT_OUTCOMES)), flashback: z.boolean().nullish().transform((v) => v ?? false), source,
});

export function toCharacterRecord(input: unknown): CharacterRecord {
  const { series, ...c } = parseInput(characterInput, input);
  return { key: scopedKey(series, c.slug), seriesKey: series, ...c };
}

export function toRelationshipRecord(input: unknown): RelationshipRecord {
  const r = parseInput(relationshipInput, input);
  return {
    key: scopedKey(r.series, r.slug), seriesKey: r.series, slug: r.slug, kind: r.kind, fromKey: characterKeyIn(r.series, r.from),
    toKey: characterKeyIn(r.series, r.to), mutual: r.mutual, sinceEpisode: r.since, untilEpisode: r.until, note: r.note, source: r.source,
  };
}

export function toEventRecord(input: unknown): PlotEventRecord {
  const e = parseInput(eventInput, input);
  const key = (ref: string | null) => (ref === null ? null : characterKeyIn(e.series, ref));
  const participants: ParticipationRecord[] = [
    ...(e.agent ? [{ characterKey: key(e.agent)!, role: 'AGENT' as const }] : []),
    ...(e.target ? [{ characterKey: key(e.target)!, role: 'TARGET' as const }] : []),
    ...e.participants.map((p) => ({ characterKey: key(p.character)!, role: p.role as ParticipationRecord['role'] })),
  ];
  return {
    key: scopedKey(e.series, e.slug), seriesKey: e.series, slug: e.slug, episodeNumber: e.episode, sequence: e.sequence,
    kind: e.kind, summary: e.summary, agentKey: key(e.agent), targetKey: key(e.target), participants,
    outcome: e.outcome, flashback: e.flashback, source: e.source,
  };
}
