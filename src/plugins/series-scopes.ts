import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  getOperationAST,
  isInterfaceType,
  isObjectType,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import { getArgumentValues } from 'graphql/execution/values.js';

/**
 * Fields whose objects belong to the series their parent belongs to, from a root naming one series (see
 * SERIES_ROOTS) down: below them a list holds only that series' records, so it is costed by that series'
 * longest lists (see SERIES_LIST_KEYS), not the store's. Any other field (a person, another series, a
 * character's events across series) ends the scope for everything under it.
 */
const SERIES_EDGES = new Set([
  'Series.episodes',
  'Series.characters',
  'Episode.events',
  // A series' tropes and their evidence are made of its own facts.
  'Series.tropes',
  'Trope.evidence',
  'TropeEvidence.characters',
  'TropeEvidence.events',
  'TropeEvidence.relationships',
  // Back to the series they belong to: the same one.
  'Character.series',
  'Episode.series',
]);

/** Root fields that answer one series' record, and the argument naming that series. */
const SERIES_ROOTS: ReadonlyMap<string, string> = new Map([
  ['series', 'slug'],
  ['character', 'series'],
  ['episode', 'series'],
]);

/** Work bound on the walk (fragments can be spread under many scopes); past it every field is costed store-wide. */
const MOST_VISITS = 50_000;

/**
 * The series each field of the operation is read within, by its node, for the fields under a root that
 * answers one series' record (SERIES_ROOTS) and stay within it. A field reached under two series, or also
 * outside one (a fragment spread in both), is left out: it is costed store-wide.
 */
export function seriesScopes(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: unknown,
  variables: unknown,
): Map<FieldNode, string> {
  const scopes = new Map<FieldNode, string | null>();
  const operation = getOperationAST(document, typeof operationName === 'string' ? operationName : undefined);
  const query = schema.getQueryType();
  if (operation?.operation !== 'query' || !query) return new Map();
  const values =
    variables !== null && typeof variables === 'object' && !Array.isArray(variables)
      ? (variables as Record<string, unknown>)
      : {};
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);

  const visited = new WeakMap<SelectionSetNode, Set<string>>();
  let visits = 0;
  const mark = (node: FieldNode, scope: string | null) => {
    const before = scopes.get(node);
    scopes.set(node, before === undefined || before === scope ? scope : null);
  };
  const walk = (set: SelectionSetNode, parent: GraphQLNamedType, scope: string | null): boolean => {
    const seen = visited.get(set) ?? new Set<string>();
    visited.set(set, seen);
    const key = `${parent.name}\u0000${scope ?? ''}`;
    if (seen.has(key)) return true;
    seen.add(key);
    for (const selection of set.selections) {
      visits += 1;
      if (visits > MOST_VISITS) return false;
      if (selection.kind === Kind.FIELD) {
        mark(selection, scope);
        if (!selection.selectionSet || !(isObjectType(parent) || isInterfaceType(parent))) continue;
        const field = parent.getFields()[selection.name.value];
        if (!field) continue;
        let inner: string | null = null;
        const seriesArgument = parent === query ? SERIES_ROOTS.get(field.name) : undefined;
        if (seriesArgument !== undefined) {
          try {
            const slug = getArgumentValues(field, selection, values)[seriesArgument];
            inner = typeof slug === 'string' ? slug : null;
          } catch {
            inner = null;
          }
        } else if (scope !== null && SERIES_EDGES.has(`${parent.name}.${field.name}`)) inner = scope;
        if (!walk(selection.selectionSet, getNamedType(field.type), inner)) return false;
      } else {
        const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
        if (!fragment) continue;
        const type = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : parent;
        if (type && !walk(fragment.selectionSet, type, scope)) return false;
      }
    }
    return true;
  };
  if (!walk(operation.selectionSet, query, null)) return new Map();
  const within = new Map<FieldNode, string>();
  for (const [node, scope] of scopes) if (scope !== null) within.set(node, scope);
  return within;
}
