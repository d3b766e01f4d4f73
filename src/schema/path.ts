import { z } from 'zod';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { nodeTypeOfSearchType } from '../domain/collections.js';
import { type CharacterPath, LINK_KINDS, linksOf, type PathStep, SEARCH_MAX_WEIGHT } from '../domain/paths.js';
import { MAX_PAGE_SIZE, pageSizeSchema } from '../pagination.js';
import { budgetSignal } from '../plugins/budget.js';
import { loadEnd, pathsBetween } from '../reads/paths.js';
import { CastingType } from './casting.js';
import { CharacterRef } from './character.js';
import { PersonRef } from './person.js';
import { PlotEventRef } from './plot-event.js';
import { RelationshipRef } from './relationship.js';
import { describedValues } from './support/enum-values.js';
import { tagged, typenameOf } from './support/type-tags.js';

const taggedEnd = async (ctx: Context, key: string) => {
  const end = await loadEnd(ctx.loaders, key);
  return tagged(nodeTypeOfSearchType(end.type), end.record);
};

const PathEndUnion = builder.unionType('Connectable', {
  description: 'What a connection links: characters and the people who play them.',
  types: [CharacterRef, PersonRef],
  resolveType: typenameOf,
});

const ConnectionLinkKindEnum = builder.enumType('ConnectionLinkKind', {
  description: 'A reason two neighbours on a connection are linked.',
  values: describedValues(LINK_KINDS, {
    RELATIONSHIP: 'A relationship between the two characters, at any point of the story the viewer has seen.',
    SHARED_EVENT:
      'A plot event both take part in as agent, target, witness or present (being mentioned does not count).',
    PLAYED_BY: 'The person plays the character.',
  }),
});

const PathStepType = builder.objectRef<PathStep>('ConnectionStep').implement({
  description: 'One hop of a connection and everything that explains it.',
  fields: (t) => ({
    from: t.field({ type: PathEndUnion, resolve: (s, _a, ctx) => taggedEnd(ctx, s.from) }),
    to: t.field({ type: PathEndUnion, resolve: (s, _a, ctx) => taggedEnd(ctx, s.to) }),
    links: t.field({
      type: [ConnectionLinkKindEnum],
      description: 'Which kinds of link this hop has.',
      resolve: linksOf,
    }),
    relationships: t.field({
      type: [RelationshipRef],
      description: 'Relationships between the two, either direction, as the viewer knows them; by episode they begin.',
      resolve: (s) => s.relationships,
    }),
    sharedEvents: t.field({
      type: [PlotEventRef],
      description:
        `Plot events both take part in, in story order: the first \`first\` of them (0 to ${MAX_PAGE_SIZE}; ` +
        `${MAX_PAGE_SIZE} when left out or null). sharedEventCount says how many there are.`,
      args: {
        first: t.arg.int({
          defaultValue: MAX_PAGE_SIZE,
          description: `At most this many (0 to ${MAX_PAGE_SIZE}).`,
          validate: pageSizeSchema.nullish(),
        }),
      },
      resolve: (s, { first }) => s.sharedEvents.slice(0, first ?? MAX_PAGE_SIZE),
    }),
    sharedEventCount: t.int({
      description: 'How many plot events both take part in, as the viewer knows them (sharedEvents lists the first).',
      resolve: (s) => s.sharedEvents.length,
    }),
    castings: t.field({ type: [CastingType], description: 'Where one plays the other.', resolve: (s) => s.castings }),
  }),
});

const CharacterPathType = builder.objectRef<CharacterPath>('ConnectionPath').implement({
  description: 'One shortest chain from one character or person to another.',
  fields: (t) => ({
    hops: t.int({ description: 'How many steps the chain takes.', resolve: (p) => p.steps.length }),
    nodes: t.field({
      type: [PathEndUnion],
      description: 'The chain in order, both ends included.',
      resolve: (p, _a, ctx) => Promise.all(p.nodes.map((key) => taggedEnd(ctx, key))),
    }),
    steps: t.field({
      type: [PathStepType],
      description: 'Why each neighbour follows the one before.',
      resolve: (p) => p.steps,
    }),
  }),
});

builder.queryField('connection', (t) =>
  t.field({
    type: [CharacterPathType],
    description:
      'How two characters or people are connected: the shortest chains (the first 10 in order of the keys along ' +
      'them, from the `from` end) of relationships, shared plot events and castings ("played by"), within maxHops. ' +
      "Relationships and events after the viewer's progress are not followed. Empty when there is none within reach, " +
      'an end is unknown, or both ends are the same. CONNECTION_TOO_LARGE when the plot events the search would look ' +
      `through weigh more than ${SEARCH_MAX_WEIGHT} (an event weighs one plus one for each of its participants, and ` +
      "counts once for each character in it the search reaches; events after the viewer's progress do not count). " +
      'Two searches run at a time per process, each holding its place for one hop; the rest wait their turn, the ' +
      'client with the fewest first.',
    args: {
      from: t.arg.globalID({ required: true, description: 'The id of a Character or a Person.' }),
      to: t.arg.globalID({ required: true, description: 'The id of a Character or a Person.' }),
      maxHops: t.arg.int({
        defaultValue: 4,
        description: 'The longest chain to look for, 1 to 6.',
        validate: z.number().int().min(1, 'maxHops must be 1 or more').max(6, 'maxHops must be at most 6'),
      }),
    },
    resolve: (_root, args, ctx) =>
      pathsBetween(ctx, { from: args.from, to: args.to, maxHops: args.maxHops ?? 4, signal: budgetSignal(ctx) }),
  }),
);
