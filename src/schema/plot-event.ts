import { builder } from '../builder.js';
import { episodeKey, scopedKey } from '../domain/keys.js';
import type { ParticipationRecord, PlotEventRecord } from '../domain/records.js';
import { EVENT_OUTCOMES, PARTICIPANT_ROLES, PLOT_EVENT_KINDS } from '../domain/vocabulary.js';
import { afterPendingTurn } from '../reads/slices.js';
import { toEventRecord } from '../writes/story-inputs.js';
import { CharacterRef } from './character.js';
import { EpisodeRef } from './episode.js';
import { citedFields, judgedFields, judgedInputFields } from './source.js';
import { describedValues } from './support/enum-values.js';
import { PLOT_EVENT_KIND_DESCRIPTIONS } from './support/event-kinds.js';
import { DeletionType, SourceInput, writeErrors } from './write-results.js';

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

const ParticipationType = builder.objectRef<ParticipationRecord>('Participation').implement({
  description: 'A character taking part in an event, and how.',
  fields: (t) => ({
    character: t.field({
      type: CharacterRef,
      resolve: (p, _args, ctx) => ctx.loaders.characterNow(p.characterKey) ?? p.characterKey,
    }),
    role: t.expose('role', { type: ParticipantRoleEnum }),
  }),
});

export const PlotEventRef = builder.loadableNodeRef('PlotEvent', {
  id: { resolve: (event: PlotEventRecord) => event.key },
  load: (keys: string[], ctx) => ctx.loaders.event.loadMany(keys),
  loaderOptions: { batchScheduleFn: afterPendingTurn },
});

PlotEventRef.implement({
  description: 'Something that happens in an episode: who did what to whom, with what outcome, and the source.',
  fields: (t) => ({
    slug: t.exposeString('slug', { description: 'The stable key of the event within its series, as writes name it.' }),
    kind: t.expose('kind', { type: PlotEventKindEnum }),
    episode: t.field({
      type: EpisodeRef,
      description: 'The episode that shows it.',
      resolve: (e) => episodeKey(e.seriesKey, e.episodeNumber),
    }),
    sequence: t.exposeInt('sequence', { description: 'The 1-based order in which the episode shows it.' }),
    summary: t.exposeString('summary'),
    agent: t.field({ type: CharacterRef, nullable: true, description: 'Who did it.', resolve: (e) => e.agentKey }),
    target: t.field({ type: CharacterRef, nullable: true, description: 'To whom.', resolve: (e) => e.targetKey }),
    participants: t.field({
      type: [ParticipationType],
      description: 'Everyone involved, agent and target included.',
      resolve: (e) => e.participants,
    }),
    outcome: t.field({
      type: EventOutcomeEnum,
      nullable: true,
      description: 'How it ended, only when a source states it; null where none says.',
      resolve: (e) => e.outcome,
    }),
    flashback: t.exposeBoolean('flashback', {
      description: 'True when the episode shows it as a memory of an earlier time.',
    }),
    ...citedFields(t),
    ...judgedFields(t),
  }),
});

const ParticipantInput = builder.inputType('ParticipantInput', {
  description: 'A character other than the agent and the target who takes part.',
  fields: (t) => ({
    character: t.string({ required: true, description: 'A character slug of the series.' }),
    role: t.field({ type: ParticipantRoleEnum, required: true, description: 'WITNESS, PRESENT or MENTIONED.' }),
  }),
});

const UpsertPlotEventInput = builder.inputType('UpsertPlotEventInput', {
  description: 'Who did what to whom, in which episode; keyed by series and slug.',
  fields: (t) => ({
    series: t.string({ required: true, description: 'The series slug.' }),
    slug: t.string({ required: true, description: 'Unique within the series.' }),
    episode: t.int({ required: true, description: 'The episode number; the episode must exist.' }),
    sequence: t.int({
      required: true,
      description:
        "1-based story order within the episode. Each episode's events run 1..N with one event per place and no gap: " +
        'a new event goes at N+1 (or replaces the event in its place); to insert or reorder in the middle, send the ' +
        'renumbered events together in one importBatch.',
    }),
    kind: t.field({ type: PlotEventKindEnum, required: true }),
    summary: t.string({ required: true, description: 'What happens, in your own words.' }),
    agent: t.string({ description: 'The character slug of who does it.' }),
    target: t.string({ description: 'The character slug of whom it is done to.' }),
    participants: t.field({ type: [ParticipantInput], description: 'Everyone else who takes part.' }),
    outcome: t.field({ type: EventOutcomeEnum }),
    flashback: t.boolean({ description: 'Whether it is shown as a flashback; default false.' }),
    ...judgedInputFields(t, 'event'),
    source: t.field({ type: SourceInput, description: 'Where it comes from; or give sources.' }),
    sources: t.field({ type: [SourceInput], description: 'Every source it comes from; not together with source.' }),
  }),
});

builder.mutationFields((t) => ({
  upsertPlotEvent: t.field({
    type: PlotEventRef,
    description: 'Creates or replaces a plot event. Every character must belong to the series. Needs write:story.',
    authScopes: { writeStory: true },
    errors: writeErrors('UpsertPlotEvent', 'event'),
    args: { input: t.arg({ type: UpsertPlotEventInput, required: true }) },
    resolve: async (_root, { input }, ctx) => (await ctx.writer.upsert('events', toEventRecord(input), input)).key,
  }),
  deletePlotEvent: t.field({
    type: DeletionType,
    description:
      "Deletes a plot event. Refused when it would leave a gap in its episode's sequences (it is not the last): " +
      'renumber the later events in one importBatch first. Needs write:story.',
    authScopes: { writeStory: true },
    errors: writeErrors('DeletePlotEvent', 'deletion'),
    args: { series: t.arg.string({ required: true }), slug: t.arg.string({ required: true }) },
    resolve: (_root, { series, slug }, ctx) => ctx.writer.delete('events', scopedKey(series, slug)),
  }),
}));
