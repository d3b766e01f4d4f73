import { builder } from '../builder.js';
import type { ParticipationRecord, PlotEventRecord } from '../domain/records.js';
import { episodeKey } from '../domain/keys.js';
import { EVENT_OUTCOMES, PARTICIPANT_ROLES, PLOT_EVENT_KINDS } from '../domain/vocabulary.js';
import { CharacterRef } from './character.js';
import { EpisodeRef } from './episode.js';
import { sourceField } from './source.js';
import { describedValues } from './support/enum-values.js';
import { PLOT_EVENT_KIND_DESCRIPTIONS } from './support/event-kinds.js';

export const PlotEventKindEnum = builder.enumType('PlotEventKind', {
  description: 'What kind of thing happens.',
  values: describedValues(PLOT_EVENT_KINDS, PLOT_EVENT_KIND_DESCRIPTIONS),
});

export const EventOutcomeEnum = builder.enumType('EventOutcome', {
  description: 'How the target answered, where the story says.',
  values: describedValues(EVENT_OUTCOMES, {
    ACCEPTED: 'The target agreed.',
    RECIPROCATED: 'The target answered in kind, such as returning a confession.',
    REJECTED: 'The target said no.',
    UNANSWERED: 'No answer came.',
    UNDELIVERED: 'It never reached the target.',
    WITHDRAWN: 'The agent took it back before it reached the target.',
  }),
});

export const ParticipantRoleEnum = builder.enumType('ParticipantRole', {
  description: 'The part a character plays in an event.',
  values: describedValues(PARTICIPANT_ROLES, {
    AGENT: 'Does it.',
    TARGET: 'Has it done to them.',
    WITNESS: 'Sees or overhears it.',
    PRESENT: 'Is there.',
    MENTIONED: 'Is spoken of but not there.',
  }),
});

export const ParticipationType = builder.objectRef<ParticipationRecord>('Participation').implement({
  description: 'A character taking part in an event, and how.',
  fields: (t) => ({
    character: t.field({ type: CharacterRef, resolve: (p) => p.characterKey }),
    role: t.field({ type: ParticipantRoleEnum, resolve: (p) => p.role }),
  }),
});

export const PlotEventRef = builder.loadableNodeRef('PlotEvent', {
  id: { resolve: (event: PlotEventRecord) => event.key },
  load: (keys: string[], ctx) => ctx.loaders.event.loadMany(keys),
});

PlotEventRef.implement({
  description: 'Something that happens in an episode: who did what to whom, with what outcome, and the source.',
  fields: (t) => ({
    kind: t.field({ type: PlotEventKindEnum, resolve: (e) => e.kind }),
    episode: t.field({ type: EpisodeRef, description: 'The episode that shows it.', resolve: (e) => episodeKey(e.seriesKey, e.episodeNumber) }),
    sequence: t.exposeInt('sequence', { description: 'The 1-based order in which the episode shows it.' }),
    summary: t.exposeString('summary'),
    agent: t.field({ type: CharacterRef, nullable: true, description: 'Who did it.', resolve: (e) => e.agentKey }),
    target: t.field({ type: CharacterRef, nullable: true, description: 'To whom.', resolve: (e) => e.targetKey }),
    participants: t.field({
      type: [ParticipationType],
      description: 'Everyone involved, agent and target included.',
      resolve: (e) => e.participants,
    }),
    outcome: t.field({ type: EventOutcomeEnum, nullable: true, description: 'Null where the story does not say.', resolve: (e) => e.outcome }),
    flashback: t.exposeBoolean('flashback', { description: 'True when the episode shows it as a memory of an earlier time.' }),
    source: t.field({ ...sourceField, resolve: (e) => e.source }),
  }),
});
