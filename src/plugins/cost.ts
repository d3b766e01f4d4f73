import { GraphQLError, type GraphQLField, type GraphQLType, isListType, isNonNullType, validate } from 'graphql';
import { type ComplexityEstimator, createComplexityRule } from 'graphql-query-complexity';
import type { Plugin } from 'graphql-yoga';
import { type EvidenceSizes, LIST_SIZE_KEYS, type ListSizes } from '../domain/list-sizes.js';
import { MAX_PAGE_SIZE } from '../pagination.js';
import { catalogueOf } from '../reads/recommendations.js';
import { type CostSizes, evidenceBoundedBy, LIST_BOUNDS } from '../schema/support/list-bounds.js';
import type { DramaStore, StateTag } from '../store/port.js';
import { isArgumentValueError } from './error-codes.js';

/** Used while the store cannot say: every list as long as a page. */
const FALLBACK_SIZES = Object.fromEntries(LIST_SIZE_KEYS.map((key) => [key, MAX_PAGE_SIZE])) as unknown as ListSizes;
const RETRY_AFTER_FAILURE_MS = 5_000;
/** graphql-query-complexity's own bound on the selections it visits, which fragments could multiply. */
const MOST_NODES = 10_000;

/**
 * The store's list sizes, read again after each of this process's writes (awaited, so the next request
 * is costed on them) and when the store's clock epoch turns (in the background: other processes' writes).
 */
export class ListSizesCache {
  private sizes: ListSizes | null = null;
  private tag: StateTag | null = null;
  private pending: Promise<void> | null = null;
  private failedAt = -Infinity;
  private evidence: EvidenceSizes | null = null;
  private merged: { sizes: ListSizes; evidence: EvidenceSizes | null; costSizes: CostSizes } | null = null;

  constructor(private readonly store: DramaStore) {}

  /** The same object until the sizes or the evidence change: costs already worked out stay valid while it does. */
  get latest(): CostSizes {
    const sizes = this.sizes ?? FALLBACK_SIZES;
    if (this.merged?.sizes !== sizes || this.merged.evidence !== this.evidence)
      this.merged = {
        sizes,
        evidence: this.evidence,
        costSizes: { ...sizes, ...(this.evidence ?? evidenceBoundedBy(sizes)) },
      };
    return this.merged.costSizes;
  }

  /** Derives the tropes of the catalogue (shared with recommendations) to know how long their lists are. */
  async withTropes(): Promise<void> {
    try {
      this.evidence = (await catalogueOf(this.store)).evidenceSizes();
    } catch {
      this.evidence = null;
    }
  }

  async current(): Promise<CostSizes> {
    const tag = this.store.stateTag;
    const fresh = this.tag !== null && this.tag.writes === tag.writes && this.tag.epoch === tag.epoch;
    if (!fresh && performance.now() - this.failedAt > RETRY_AFTER_FAILURE_MS) {
      this.pending ??= this.refresh(tag);
      const refresh = this.pending;
      if (this.sizes === null || this.tag?.writes !== tag.writes) await refresh;
    }
    return this.latest;
  }

  private async refresh(tag: StateTag): Promise<void> {
    try {
      this.sizes = await this.store.listSizes();
      this.tag = tag;
    } catch {
      this.failedAt = performance.now();
    } finally {
      this.pending = null;
    }
  }
}

const isList = (type: GraphQLType): boolean => isListType(isNonNullType(type) ? type.ofType : type);

/** Bounds for list fields missing from LIST_BOUNDS: the longest list of any kind, or a page. */
function unlistedBound(sizes: CostSizes): number {
  return Math.max(MAX_PAGE_SIZE, ...LIST_SIZE_KEYS.map((key) => sizes[key]));
}

/**
 * How many items a field answers at most: 1 unless it is a list. Introspection's lists count once: the
 * schema bounds them, whatever the store holds (and the execution budget bounds their bytes).
 */
function itemsAtMost(
  typeName: string,
  field: GraphQLField<unknown, unknown>,
  args: Record<string, unknown>,
  sizes: CostSizes,
): number {
  if (typeName.startsWith('__')) return 1;
  const bound = LIST_BOUNDS[`${typeName}.${field.name}`];
  if (bound !== undefined) return bound(sizes, args);
  return isList(field.type) ? unlistedBound(sizes) : 1;
}

/** Each field costs 1 per time it can be resolved: its own items times those of every list around it. */
const estimator =
  (sizes: CostSizes): ComplexityEstimator =>
  ({ type, field, args, childComplexity }) =>
    itemsAtMost(type.name, field, args, sizes) * (1 + childComplexity);

/** A validation error: 400 under application/graphql-response+json, 200 under application/json, as Yoga's own. */
class CostLimitError extends GraphQLError {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { code: 'COST_LIMIT_EXCEEDED', ...extensions, http: { spec: true, status: 400 } } });
  }
}

const costError = (limit: number, cost: number) =>
  new CostLimitError(
    `This operation could resolve up to ${Number.isFinite(cost) ? Math.ceil(cost) : 'unboundedly many'} fields, over the limit of ${limit}: ask for shorter lists (first), fewer aliases or less nesting.`,
    { cost: Number.isFinite(cost) ? Math.ceil(cost) : null, limit },
  );

/** The worst-case cost of a valid document, or the refusal when it is over the limit. */
export function costOf(
  schema: Parameters<typeof validate>[0],
  document: Parameters<typeof validate>[1],
  {
    limit,
    sizes,
    variables,
    operationName,
  }: { limit: number; sizes: CostSizes; variables?: unknown; operationName?: unknown },
): { cost: number; error: GraphQLError | null } {
  let cost = 0;
  const rule = createComplexityRule({
    maximumComplexity: limit,
    estimators: [estimator(sizes)],
    variables:
      variables !== null && typeof variables === 'object' && !Array.isArray(variables)
        ? (variables as Record<string, unknown>)
        : {},
    operationName: typeof operationName === 'string' ? operationName : undefined,
    maxQueryNodes: MOST_NODES,
    onComplete: (complexity) => {
      cost = Math.max(cost, complexity);
    },
    createError: (max, actual) => costError(max, actual),
  });
  try {
    const refusal = validate(schema, document, [rule]).find((error) => error instanceof CostLimitError);
    return { cost, error: refusal ?? null };
  } catch (error) {
    // A directive argument the variables make invalid (`@skip(if: $v)` with null): execution refuses it with its
    // own error before any field runs.
    if (isArgumentValueError(error)) return { cost, error: null };
    return {
      cost: Infinity,
      error: new CostLimitError(
        `This operation has more than ${MOST_NODES} selections once its fragments are spread, over the limit.`,
        { limit },
      ),
    };
  }
}

/** Operations found within the limit, per parsed document (the parse cache's), by operation name and variables, for one CostSizes object. */
const COSTS_PER_DOCUMENT = 32;
const MOST_VARIABLES_CHARS = 4_096;

class CostMemo {
  private readonly byDocument = new WeakMap<object, { sizes: CostSizes; within: Set<string> }>();

  /** Only operations within the limit are kept: a refusal is worked out again, with an error object of its own. */
  costOf(
    schema: Parameters<typeof validate>[0],
    document: Parameters<typeof validate>[1],
    options: { limit: number; sizes: CostSizes; variables?: unknown; operationName?: unknown },
  ): GraphQLError | null {
    const key = memoKey(options.operationName, options.variables);
    let entry = this.byDocument.get(document);
    if (entry?.sizes !== options.sizes) {
      entry = { sizes: options.sizes, within: new Set() };
      this.byDocument.set(document, entry);
    }
    if (key !== null && entry.within.has(key)) return null;
    const { error } = costOf(schema, document, options);
    if (error === null && key !== null) {
      if (entry.within.size >= COSTS_PER_DOCUMENT) entry.within.delete(entry.within.values().next().value!);
      entry.within.add(key);
    }
    return error;
  }
}

/** null when the variables are too large to be worth keeping, or cannot be written as JSON. */
function memoKey(operationName: unknown, variables: unknown): string | null {
  try {
    const text = JSON.stringify([typeof operationName === 'string' ? operationName : null, variables ?? null]);
    return text.length <= MOST_VARIABLES_CHARS ? text : null;
  } catch {
    return null;
  }
}

/**
 * Refuses, before anything runs, an operation whose fields could resolve more than `limit` times: every
 * list counts the most items it can hold (the page asked for, or the longest such list in the store now),
 * and nested lists multiply. Costed only once the standard rules passed (so fragment cycles are refused
 * by them), with the request's variables.
 */
export function useCostLimit(limit: number, sizes: ListSizesCache): Plugin {
  const memo = new CostMemo();
  type Hook = NonNullable<Plugin['onExecute']> & NonNullable<Plugin['onSubscribe']>;
  // Not a validation rule: Yoga keeps each document's validation result, and a cost depends on the variables too.
  const refuseOverLimit = (({ args, setResultAndStopExecution }) => {
    const error = memo.costOf(args.schema, args.document, {
      limit,
      sizes: sizes.latest,
      variables: args.variableValues,
      operationName: args.operationName,
    });
    if (error !== null) setResultAndStopExecution({ errors: [error] });
  }) as Hook;
  return {
    onParams: async ({ params }) => {
      await sizes.current();
      // Only trope evidence needs the tropes derived; any document that can select it names it.
      if (typeof params.query === 'string' && params.query.includes('evidence')) await sizes.withTropes();
    },
    onExecute: refuseOverLimit,
    onSubscribe: refuseOverLimit,
  };
}
