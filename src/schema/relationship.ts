import { builder } from '../builder.js';
import type { RelationshipRecord } from '../domain/records.js';
import { episodeKey } from '../domain/keys.js';
import { RELATIONSHIP_KINDS } from '../domain/vocabulary.js';
import { CharacterRef } from './character.js';
import { EpisodeRef } from './episode.js';
import { sourceField } from './source.js';
import { describedValues } from './support/enum-values.js';

export const RelationshipKindEnum = builder.enumType('RelationshipKind', {
  description: 'What binds two characters.',
  values: describedValues(RELATIONSHIP_KINDS, {
    FRIEND: 'Friends.',
    BEST_FRIEND: 'Each other\'s closest friend.',
    ROMANTIC: 'A couple.',
    UNREQUITED_LOVE: 'Love from one side that the other does not return, or does not yet know of.',
    FAMILY: 'Related by family.',
    COLLEAGUE: 'Working together.',
    SENIOR_JUNIOR: 'Senior and junior (sunbae and hoobae) from school or work; `from` is the senior.',
    RIVAL: 'Rivals.',
  }),
});

const episodeOf = (r: RelationshipRecord, number: number | null) => (number === null ? null : episodeKey(r.seriesKey, number));

export const RelationshipRef = builder.loadableNodeRef('Relationship', {
  id: { resolve: (relationship: RelationshipRecord) => relationship.key },
  load: (keys: string[], ctx) => ctx.loaders.relationship.loadMany(keys),
});

RelationshipRef.implement({
  description:
    'A bond between two characters over a span of episodes. It holds after episode N when it began in N or before ' +
    '(or before the story) and ends after N (or never).',
  fields: (t) => ({
    kind: t.field({ type: RelationshipKindEnum, resolve: (r) => r.kind }),
    from: t.field({ type: CharacterRef, description: 'Who holds the feeling or the senior role.', resolve: (r) => r.fromKey }),
    to: t.field({ type: CharacterRef, description: 'Toward whom.', resolve: (r) => r.toKey }),
    mutual: t.exposeBoolean('mutual', { description: 'True when it holds in both directions.' }),
    since: t.field({
      type: EpisodeRef,
      nullable: true,
      description: 'The episode in which it begins; null when it held before the story starts.',
      resolve: (r) => episodeOf(r, r.sinceEpisode),
    }),
    until: t.field({
      type: EpisodeRef,
      nullable: true,
      description: 'The episode in which it ends; null when it still holds at the end of the known story.',
      resolve: (r) => episodeOf(r, r.untilEpisode),
    }),
    note: t.exposeString('note', { nullable: true }),
    source: t.field({ ...sourceField, resolve: (r) => r.source }),
  }),
});
