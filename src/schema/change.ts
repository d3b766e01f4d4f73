import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../builder.js';
import {
  CHANGE_OPERATIONS,
  CHANGE_TYPE_OF,
  CHANGE_TYPES,
  type ChangeEntry,
  type ChangeTypeName,
} from '../domain/change-log.js';
import { COLLECTION_FACTS } from '../domain/collections.js';
import { SLUG_PATTERN } from '../domain/keys.js';
import { BadUserInputError } from '../errors.js';
import { changeStream } from '../feed/stream.js';
import { DEFAULT_PAGE_SIZE, pageSizeSchema } from '../pagination.js';
import { budgetSignal } from '../plugins/budget.js';
import { deliveredChange } from '../plugins/change-feed-sse.js';
import { changeCursor, pageAfterCursor, startPosition } from '../reads/changes.js';
import { describedValues } from './support/enum-values.js';

const ChangeTypeEnum = builder.enumType('ChangeType', {
  description: 'The kind of record a change touched.',
  values: Object.fromEntries(
    Object.entries(CHANGE_TYPES).map(([name, collection]) => [
      name,
      { value: name, description: `A ${COLLECTION_FACTS[collection].singular}.` },
    ]),
  ) as Record<ChangeTypeName, { value: ChangeTypeName; description: string }>,
});

const ChangeOperationEnum = builder.enumType('ChangeOperation', {
  description: 'What a change did to its record.',
  values: describedValues(CHANGE_OPERATIONS, {
    UPSERT: 'Created or replaced it.',
    DELETE: 'Removed it.',
  }),
});

const ChangeRef = builder.objectRef<ChangeEntry>('Change').implement({
  description:
    'One record written or deleted, as the change log holds it: every write logs one per record it touched, in the ' +
    'same transaction. Read the record itself (node(id:)) for its state now. A viewer who gives progress for a series ' +
    '(X-Watched-Through) is told only of what they may see: an episode up to their progress, a character they met, a ' +
    'relationship or event they reached; a DELETE of a character, casting, relationship or event in that series is ' +
    'not shown to them at all, since what is gone can no longer be placed in the story.',
  fields: (t) => ({
    cursor: t.string({
      description:
        'Where the change sits in the log; pass it as `after` to resume after it (also the SSE event id). Cursors are ' +
        'positions in one log shared by every series and every viewer, so they are not consecutive for you: the gap ' +
        'between two you are given holds changes of other series and types, and changes hidden by your progress.',
      resolve: (c) => changeCursor(c.cursor),
    }),
    at: t.string({ description: 'When it was written (ISO 8601, UTC).', resolve: (c) => new Date(c.at).toISOString() }),
    operation: t.field({ type: ChangeOperationEnum, resolve: (c) => c.operation }),
    type: t.field({ type: ChangeTypeEnum, resolve: (c) => CHANGE_TYPE_OF[c.collection] }),
    key: t.exposeString('key', { description: 'The stable key of the record, built from slugs.' }),
    id: t.id({
      nullable: true,
      description: 'The global ID of the record; null for castings and credits, which have none.',
      resolve: (c) => {
        const type = COLLECTION_FACTS[c.collection].nodeType;
        return type === null ? null : encodeGlobalID(type, c.key);
      },
    }),
    series: t.string({
      nullable: true,
      description: 'The slug of the series the record belongs to; null for people.',
      resolve: (c) => c.series,
    }),
    actor: t.string({
      nullable: true,
      description: 'The name of the token that wrote it; null for a bulk import (npm run import).',
      resolve: (c) => c.actor,
    }),
  }),
});

const ChangeConnection = builder.connectionObject({
  type: ChangeRef,
  name: 'ChangeConnection',
  description:
    'A page of the change log, oldest first. `pageInfo.endCursor` is past everything the page looked at, changes ' +
    'hidden from the viewer included, so pass it as `after` to go on; it is null only when the log has never held a change. `hasPreviousPage` is true when a change kept in the log comes at or before `after`.',
  fields: (t) => ({
    totalCount: t.int({
      description: 'How many changes this page holds; the whole log is not counted, since it grows while it is read.',
      resolve: (connection) => connection.totalCount,
    }),
  }),
});

const feedArgs = builder.args((t) => ({
  after: t.string({
    description:
      'A cursor of a change (or the endCursor of a page): only changes after it. Without it, from the oldest change ' +
      'kept. One never issued is refused with CHANGE_CURSOR_UNKNOWN, one older than retention with ' +
      'CHANGE_CURSOR_EXPIRED, a malformed one with INVALID_CURSOR.',
  }),
  series: t.string({ description: 'Only changes of this series (by slug); people belong to none.' }),
  types: t.field({
    type: [ChangeTypeEnum],
    description: 'Only changes of these types; an empty list matches nothing.',
  }),
}));

/** The filter the arguments ask for; a series that is no slug is BAD_USER_INPUT rather than an empty feed. */
const filterOf = (args: { series?: string | null; types?: readonly ChangeTypeName[] | null }) => {
  if (args.series != null && !SLUG_PATTERN.test(args.series))
    throw new BadUserInputError(`series: "${args.series.slice(0, 130)}" is not a series slug.`);
  return filterWith(args);
};

const filterWith = (args: { series?: string | null; types?: readonly ChangeTypeName[] | null }) => ({
  series: args.series ?? null,
  collections: args.types == null ? null : [...new Set(args.types.map((t) => CHANGE_TYPES[t]))],
});

builder.queryField('changes', (t) =>
  t.field({
    type: ChangeConnection,
    description:
      'What changed in the graph, oldest first, for clients that poll: pass the endCursor of the last page as ' +
      '`after`. Changes are kept for the configured retention (CHANGE_RETENTION_S). Obeys the viewer’s progress; see Change.',
    args: {
      ...feedArgs,
      first: t.arg.int({
        description: `How many to return (0 to 100, default ${DEFAULT_PAGE_SIZE}).`,
        validate: pageSizeSchema.nullish(),
      }),
    },
    resolve: async (_root, args, ctx) => {
      const filter = filterOf(args);
      const first = args.first ?? DEFAULT_PAGE_SIZE;
      const page = await pageAfterCursor(
        ctx.store,
        args.after ?? null,
        filter,
        first,
        (c) => ctx.loaders.changeShown(c),
        budgetSignal(ctx),
      );
      const edges = page.items.map((node) => ({ cursor: changeCursor(node.cursor), node }));
      return {
        edges,
        pageInfo: {
          hasNextPage: page.hasNextPage,
          hasPreviousPage: page.hasPreviousPage,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: page.bounds.latest === 0 ? null : changeCursor(page.through),
        },
        totalCount: edges.length,
      };
    },
  }),
);

builder.subscriptionType({
  description:
    'Live updates over Server-Sent Events (GraphQL over SSE): POST or GET /graphql with Accept: text/event-stream.',
});

builder.subscriptionField('changes', (t) =>
  t.field({
    type: ChangeRef,
    description:
      'Every change after `after` (or the SSE Last-Event-ID header; without either, from now on), then each new one ' +
      'as it is written on any replica, in cursor order. Each SSE event has the change cursor as its id, so a client ' +
      'that reconnects with Last-Event-ID (or `after`) receives every change it missed within retention. Obeys the ' +
      'viewer’s progress; see Change.',
    args: feedArgs,
    subscribe: async (_root, args, ctx) => {
      const filter = filterOf(args);
      const header = ctx.request.headers.get('last-event-id') || null;
      const [resumeFrom, argument] = args.after != null ? [args.after, 'after'] : [header, 'Last-Event-ID'];
      const after =
        resumeFrom === null
          ? (await ctx.store.changeLogBounds()).latest
          : await startPosition(ctx.store, resumeFrom, argument);
      return changeStream(ctx.store, ctx.feed, after, filter, ctx.progress);
    },
    resolve: (change, _args, ctx) => deliveredChange(ctx, change),
  }),
);
