import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  getOperationAST,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
} from 'graphql';
import { collectFields, collectSubfields } from 'graphql/execution/collectFields.js';
import { getArgumentValues, getVariableValues } from 'graphql/execution/values.js';
import { scopedKey, seriesOf } from '../../domain/keys.js';
import type { Progress } from '../../domain/spoilers.js';
import type { PlotEventKind } from '../../domain/vocabulary.js';
import { pageSizeSchema } from '../../pagination.js';
import type {
  PlannedEventField,
  PlannedRead,
  RelationshipQuery,
  SeriesPageRequest,
  SeriesSelection,
} from '../../store/port.js';
import { type EventsArgs, eventsFieldRequests } from '../event-pages.js';
import { cappedQuery } from '../loaders.js';
import { type SeriesPageArgs, seriesPageRequest } from '../series-pages.js';
import { eventFieldsOf } from './event-fields.js';

/** What the planner reads of a request: the validated document, the variables as sent, the viewer's progress. */
export interface PlanInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null | undefined;
  variableValues?: Record<string, unknown> | null | undefined;
  progress: Progress;
}

type Fields = Map<string, readonly FieldNode[]>;

/** Walks an operation's selections as graphql-js collects them (fragments, @skip/@include, aliases merged). */
class Walk {
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Record<string, FragmentDefinitionNode>,
    readonly variables: Record<string, unknown>,
    /** The event fields any selection of the document may read (event-fields.ts). */
    readonly eventFields: readonly PlannedEventField[],
  ) {}

  root(type: GraphQLObjectType, node: { selectionSet: FieldNode['selectionSet'] }): Fields {
    return collectFields(this.schema, this.fragments, this.variables, type, node.selectionSet!);
  }

  /** The fields selected under `nodes` (fields of `parent`), or an empty map when the type is not an object. */
  sub(parent: GraphQLObjectType, nodes: readonly FieldNode[]): { type: GraphQLObjectType | null; fields: Fields } {
    const type = getNamedType(parent.getFields()[nodes[0]!.name.value]?.type);
    if (!isObjectType(type)) return { type: null, fields: new Map() };
    return { type, fields: collectSubfields(this.schema, this.fragments, this.variables, type, nodes) };
  }

  /** The field's arguments as its resolver gets them, or null when they do not coerce (the resolver then answers the error). */
  args(parent: GraphQLObjectType, nodes: readonly FieldNode[]): Record<string, unknown> | null {
    const field: GraphQLField<unknown, unknown> | undefined = parent.getFields()[nodes[0]!.name.value];
    if (field === undefined) return null;
    try {
      return getArgumentValues(field, nodes[0]!, this.variables);
    } catch {
      return null;
    }
  }
}

const named = (fields: Fields, name: string) => [...fields.values()].filter((nodes) => nodes[0]!.name.value === name);
const selects = (fields: Fields, ...names: string[]) => names.some((name) => named(fields, name).length > 0);

const isEpisodeNumber = (value: unknown) => value == null || (Number.isSafeInteger(value) && (value as number) > 0);

/** `character(series, slug) { portrayedBy relationships(asOfEpisode:) { from to } }` */
function planCharacter(walk: Walk, query: GraphQLObjectType, nodes: readonly FieldNode[], progress: Progress) {
  const args = walk.args(query, nodes);
  if (args === null || typeof args.series !== 'string' || typeof args.slug !== 'string') return null;
  const characterKey = scopedKey(args.series, args.slug);
  const { type, fields } = walk.sub(query, nodes);
  const relationships: RelationshipQuery[] = [];
  let ends = false;
  let firstEpisode = selects(fields, 'firstEpisode');
  let portrayedBy = selects(fields, 'portrayedBy');
  if (type !== null) {
    for (const relNodes of named(fields, 'relationships')) {
      const relArgs = walk.args(type, relNodes);
      if (relArgs === null || !isEpisodeNumber(relArgs.asOfEpisode)) continue;
      relationships.push(
        cappedQuery(progress, {
          characterKey,
          asOfEpisode: (relArgs.asOfEpisode as number | null | undefined) ?? null,
        }),
      );
      const relationship = walk.sub(type, relNodes);
      for (const end of [...named(relationship.fields, 'from'), ...named(relationship.fields, 'to')]) {
        ends = true;
        const endFields = walk.sub(relationship.type!, end).fields;
        firstEpisode ||= selects(endFields, 'firstEpisode');
        portrayedBy ||= selects(endFields, 'portrayedBy');
      }
    }
  }
  return {
    kind: 'character',
    characterKey,
    relationships,
    ends,
    portrayedBy,
    firstShown: firstEpisode || progress.has(seriesOf(characterKey)),
  } satisfies PlannedRead;
}

/** `events(filter:, first:, after:) { totalCount pageInfo edges { node { episode agent target } } }` */
function planEvents(walk: Walk, query: GraphQLObjectType, nodes: readonly FieldNode[], progress: Progress) {
  const args = walk.args(query, nodes) as EventsArgs | null;
  if (args === null || !pageSizeSchema.nullish().safeParse(args.first).success) return null;
  if (!isEpisodeNumber(args.filter?.episode)) return null;
  let requests: ReturnType<typeof eventsFieldRequests>;
  try {
    requests = eventsFieldRequests(args, progress);
  } catch {
    return null;
  }
  const connection = walk.sub(query, nodes);
  let episodes = false;
  let people = false;
  let participants = false;
  let firstEpisode = false;
  if (connection.type !== null) {
    for (const edgeNodes of named(connection.fields, 'edges')) {
      const edge = walk.sub(connection.type, edgeNodes);
      if (edge.type === null) continue;
      for (const nodeNodes of named(edge.fields, 'node')) {
        const node = walk.sub(edge.type, nodeNodes);
        if (node.type === null) continue;
        episodes ||= selects(node.fields, 'episode');
        const ends = [...named(node.fields, 'agent'), ...named(node.fields, 'target')].map(
          (nodes) => walk.sub(node.type!, nodes).fields,
        );
        const cast: Fields[] = [];
        for (const participation of named(node.fields, 'participants')) {
          const { type, fields } = walk.sub(node.type, participation);
          if (type !== null) cast.push(...named(fields, 'character').map((nodes) => walk.sub(type, nodes).fields));
        }
        people ||= ends.length > 0;
        participants ||= cast.length > 0;
        const characters = [...ends, ...cast];
        firstEpisode ||= characters.some((fields) => selects(fields, 'firstEpisode'));
      }
    }
  }
  return {
    kind: 'events',
    pages: requests.counted === null ? [requests.page] : [requests.page, requests.counted],
    episodes,
    people,
    participants,
    firstShown: (people || participants) && (firstEpisode || progress.size > 0),
    eventFields: walk.eventFields,
  } satisfies PlannedRead;
}

/** The kinds lists read for each episode at most; further events(kinds:) aliases are left to the loaders. */
const MAX_EPISODE_EVENT_LISTS = 4;

/** The fields selected on each character under `fields` (of an event): its agent, target and participants' characters. */
function eventCharacters(walk: Walk, event: GraphQLObjectType, fields: Fields): Fields[] {
  const characters = [...named(fields, 'agent'), ...named(fields, 'target')].map(
    (nodes) => walk.sub(event, nodes).fields,
  );
  for (const participation of named(fields, 'participants')) {
    const { type, fields: sub } = walk.sub(event, participation);
    if (type !== null) characters.push(...named(sub, 'character').map((nodes) => walk.sub(type, nodes).fields));
  }
  return characters;
}

/**
 * What a read takes of a series whose fields `fields` selects (of `type`): its episodes, each episode's events, their
 * characters with who plays them, and the series' cast and crew; null when it selects none of these.
 */
function seriesSelection(
  walk: Walk,
  type: GraphQLObjectType | null,
  fields: Fields,
  progress: Progress,
): SeriesSelection | null {
  const kinds = new Map<string, PlotEventKind[] | null>();
  const characters: Fields[] = [];
  const castCharacters: Fields[] = [];
  let episodes = false;
  let cast = false;
  let crew = false;
  if (type !== null) {
    for (const episodeNodes of named(fields, 'episodes')) {
      // A part of the episodes is read by the loaders: the planned read would take every episode's events.
      const episodeArgs = walk.args(type, episodeNodes);
      if (episodeArgs === null || episodeArgs.first != null || episodeArgs.fromNumber != null) return null;
      episodes = true;
      const episode = walk.sub(type, episodeNodes);
      if (episode.type === null) continue;
      for (const eventNodes of named(episode.fields, 'events')) {
        const eventArgs = walk.args(episode.type, eventNodes);
        if (eventArgs === null) continue;
        const list = (eventArgs.kinds as PlotEventKind[] | null | undefined) ?? null;
        const id = JSON.stringify(list);
        if (!kinds.has(id) && kinds.size === MAX_EPISODE_EVENT_LISTS) continue;
        kinds.set(id, list);
        const event = walk.sub(episode.type, eventNodes);
        if (event.type !== null) characters.push(...eventCharacters(walk, event.type, event.fields));
      }
    }
    for (const castNodes of named(fields, 'cast')) {
      cast = true;
      const casting = walk.sub(type, castNodes);
      if (casting.type === null) continue;
      castCharacters.push(...named(casting.fields, 'character').map((nodes) => walk.sub(casting.type!, nodes).fields));
    }
    crew = selects(fields, 'crew');
  }
  if (!episodes && !cast && !crew) return null;
  const read = [...characters, ...castCharacters];
  return {
    episodes,
    episodeEvents: [...kinds.values()],
    characters: characters.length > 0,
    portrayedBy: read.some((f) => selects(f, 'portrayedBy')),
    cast,
    crew,
    firstShown: (read.length > 0 || cast) && (read.some((f) => selects(f, 'firstEpisode')) || progress.size > 0),
    eventFields: walk.eventFields,
  };
}

/** `series(slug) { episodes { events(kinds:) { participants { character { portrayedBy } } } } cast crew }` */
function planSeries(walk: Walk, query: GraphQLObjectType, nodes: readonly FieldNode[], progress: Progress) {
  const args = walk.args(query, nodes);
  if (args === null || typeof args.slug !== 'string') return null;
  const { type, fields } = walk.sub(query, nodes);
  const selection = seriesSelection(walk, type, fields, progress);
  return selection && ({ kind: 'series', seriesKey: args.slug, ...selection } satisfies PlannedRead);
}

/** `allSeries(first:, after:) { totalCount edges { cursor node { episodes cast crew } } }`: a page, and each series on it as series(slug) reads one. */
function planAllSeries(walk: Walk, query: GraphQLObjectType, nodes: readonly FieldNode[], progress: Progress) {
  const args = walk.args(query, nodes) as SeriesPageArgs | null;
  if (args === null || !pageSizeSchema.nullish().safeParse(args.first).success) return null;
  let page: SeriesPageRequest;
  try {
    page = seriesPageRequest(args);
  } catch {
    return null;
  }
  const connection = walk.sub(query, nodes);
  const series: { type: GraphQLObjectType | null; fields: Fields }[] = [];
  if (connection.type !== null) {
    for (const edgeNodes of named(connection.fields, 'edges')) {
      const edge = walk.sub(connection.type, edgeNodes);
      if (edge.type !== null)
        for (const nodeNodes of named(edge.fields, 'node')) series.push(walk.sub(edge.type, nodeNodes));
    }
  }
  if (series.length === 0) return null;
  const type = series[0]!.type;
  const fields: Fields = new Map(
    series.flatMap(({ fields }) => [...fields.entries()]).map(([k, v], i) => [`${i}:${k}`, v]),
  );
  const selection = seriesSelection(walk, type, fields, progress);
  return selection && ({ kind: 'allSeries', page, ...selection } satisfies PlannedRead);
}

/** `person(slug) { castings { character { portrayedBy } series } credits { series } }` */
function planPerson(walk: Walk, query: GraphQLObjectType, nodes: readonly FieldNode[], progress: Progress) {
  const args = walk.args(query, nodes);
  if (args === null || typeof args.slug !== 'string') return null;
  const { type, fields } = walk.sub(query, nodes);
  const characters: Fields[] = [];
  let castings = false;
  let credits = false;
  let series = false;
  if (type !== null) {
    for (const castingNodes of named(fields, 'castings')) {
      castings = true;
      const casting = walk.sub(type, castingNodes);
      if (casting.type === null) continue;
      series ||= selects(casting.fields, 'series');
      characters.push(...named(casting.fields, 'character').map((nodes) => walk.sub(casting.type!, nodes).fields));
    }
    for (const creditNodes of named(fields, 'credits')) {
      credits = true;
      const credit = walk.sub(type, creditNodes);
      if (credit.type !== null) series ||= selects(credit.fields, 'series');
    }
  }
  if (!castings && !credits) return null;
  return {
    kind: 'person',
    personKey: args.slug,
    castings,
    portrayedBy: characters.some((f) => selects(f, 'portrayedBy')),
    credits,
    series,
    firstShown: castings && (characters.some((f) => selects(f, 'firstEpisode')) || progress.size > 0),
  } satisfies PlannedRead;
}

const PLANNERS = {
  character: planCharacter,
  events: planEvents,
  series: planSeries,
  allSeries: planAllSeries,
  person: planPerson,
} as const;

/** The root fields the planner covers; every other field is left to the loaders. */
export const PLANNED_ROOT_FIELDS: readonly string[] = Object.keys(PLANNERS);

/**
 * Root fields planned per operation at most: each is a store request of its own, where the loaders batch many
 * aliases into one, so an operation of many aliases leaves the rest to them.
 */
export const MAX_PLANNED_FIELDS = 4;

/**
 * Plans a validated query: one PlannedRead per covered root field (per alias with its own arguments). Anything it
 * does not cover, or whose arguments the resolvers would refuse, is not planned: the loaders answer it as before.
 */
/** Cheap first look: a root field the planner covers, or a fragment at the root that may hold one. */
const mayPlan = (operation: OperationDefinitionNode): boolean =>
  operation.selectionSet.selections.some((node) => node.kind !== Kind.FIELD || node.name.value in PLANNERS);

export function planOperation({ schema, document, operationName, variableValues, progress }: PlanInput): PlannedRead[] {
  const operation = getOperationAST(document, operationName);
  const query = schema.getQueryType();
  if (operation?.operation !== 'query' || !query || !mayPlan(operation)) return [];
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variableValues ?? {});
  if (coerced.errors !== undefined) return [];
  const fragments = Object.fromEntries(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [])),
  );
  const walk = new Walk(schema, fragments, coerced.coerced, eventFieldsOf(document));
  const reads: PlannedRead[] = [];
  for (const nodes of walk.root(query, operation).values()) {
    const name = nodes[0]!.name.value;
    if (!(name in PLANNERS)) continue;
    const read = PLANNERS[name as keyof typeof PLANNERS](walk, query, nodes, progress);
    if (read !== null) reads.push(read);
    if (reads.length === MAX_PLANNED_FIELDS) break;
  }
  return reads;
}
