import {
  type FieldNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLType,
  isListType,
  isNonNullType,
  validate,
} from 'graphql';
import { type ComplexityEstimator, createComplexityRule } from 'graphql-query-complexity';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import { SLUG_PATTERN } from '../domain/keys.js';
import {
  type EvidenceSizes,
  LIST_SIZE_KEYS,
  type ListSizes,
  NO_EVIDENCE,
  SERIES_LIST_KEYS,
  type SeriesListSizes,
} from '../domain/list-sizes.js';
import { LIMITS } from '../domain/rules.js';
import { MAX_PAGE_SIZE } from '../pagination.js';
import type { CatalogueSnapshot } from '../reads/profile-cache.js';
import { catalogueOf } from '../reads/recommendations.js';
import { type CostSizes, evidenceBoundedBy, LIST_BOUNDS } from '../schema/support/list-bounds.js';
import type { DramaStore, StateTag } from '../store/port.js';
import { isArgumentValueError } from './error-codes.js';
import { operationCosts } from './operation-costs.js';
import { seriesScopes } from './series-scopes.js';

/** Used while the store cannot say: every list as long as a page. */
const FALLBACK_SIZES = Object.fromEntries(LIST_SIZE_KEYS.map((key) => [key, MAX_PAGE_SIZE])) as unknown as ListSizes;
const RETRY_AFTER_FAILURE_MS = 5_000;
/** graphql-query-complexity's own bound on the selections it visits, which fragments could multiply. */
const MOST_NODES = 10_000;

/**
 * The store's list sizes, read again after each of this process's writes (awaited, so the next request
 * is costed on them) and when the store's clock epoch turns (in the background: other processes' writes),
 * unless this process is the store's sole writer, whose own writes are all there are.
 */
export class ListSizesCache {
  private sizes: ListSizes | null = null;
  private tag: StateTag | null = null;
  private pending: Promise<void> | null = null;
  private failedAt = -Infinity;
  /** The catalogue whose tropes were last derived, for the lengths of their lists (null: not known). */
  private tropes: CatalogueSnapshot | null = null;
  private merged: { sizes: ListSizes; evidence: EvidenceSizes | null; costSizes: CostSizes } | null = null;

  /** Series-owned list sizes by series slug (null: no such series), with the store state they were read in. */
  private readonly bySeries = new LRUCache<string, SeriesSizesEntry>({ max: SERIES_SIZES_KEPT });

  constructor(private readonly store: DramaStore) {}

  /**
   * The list sizes within each named series (SERIES_LIST_KEYS). Each is read again only after a write of this
   * process touched that series (the store's journal), or another process may have written (the epoch turned and
   * this process is not the sole writer).
   * A series the store cannot read now is left out: it is costed store-wide.
   */
  async ofSeries(slugs: Iterable<string>): Promise<Map<string, SeriesListSizes | null>> {
    const found = new Map<string, SeriesListSizes | null>();
    const wanted: string[] = [];
    for (const slug of new Set(slugs)) {
      // No series can have it (the write rules refuse it): nothing to read, and nothing kept.
      if (slug.length > LIMITS.slugLength || !SLUG_PATTERN.test(slug)) found.set(slug, null);
      else wanted.push(slug);
    }
    const missing = wanted.filter((slug) => {
      const entry = this.bySeries.get(slug);
      return entry === undefined || !this.stillValid(slug, entry);
    });
    if (missing.length > 0) {
      // Noted before the read starts: a write during it leaves the entries to be read again.
      const { position } = this.store.journal;
      const epoch = this.store.stateTag.epoch;
      const read = this.store.seriesListSizes(missing);
      for (const [i, slug] of missing.entries()) {
        const entry: SeriesSizesEntry = { position, epoch, sizes: read.then((sized) => sized[i] ?? null) };
        this.bySeries.set(slug, entry);
        entry.sizes.catch(() => {
          if (this.bySeries.get(slug) === entry) this.bySeries.delete(slug);
        });
      }
    }
    for (const slug of wanted) {
      const entry = this.bySeries.get(slug);
      try {
        if (entry) found.set(slug, await entry.sizes);
      } catch {
        // Costed store-wide.
      }
    }
    return found;
  }

  private stillValid(slug: string, entry: SeriesSizesEntry): boolean {
    if (!this.store.soleWriter && entry.epoch !== this.store.stateTag.epoch) return false;
    const touched = this.store.journal.since(entry.position);
    return touched !== null && !touched.has(slug);
  }

  /** The same object until the sizes or the evidence change: costs already worked out stay valid while it does. */
  get latest(): CostSizes {
    const sizes = this.sizes ?? FALLBACK_SIZES;
    const evidence = this.tropes?.evidenceSizes() ?? null;
    if (this.merged?.sizes !== sizes || this.merged.evidence !== evidence)
      this.merged = {
        sizes,
        evidence,
        costSizes: { ...sizes, ...(evidence ?? evidenceBoundedBy(sizes)) },
      };
    return this.merged.costSizes;
  }

  /** Derives the tropes of the catalogue (shared with recommendations) to know how long their lists are. */
  async withTropes(): Promise<void> {
    try {
      this.tropes = await catalogueOf(this.store);
    } catch {
      this.tropes = null;
    }
  }

  /** A series' own trope lists, when its tropes are known: one huge series no longer prices every other's evidence. */
  evidenceOf(slug: string): EvidenceSizes | undefined {
    return this.tropes?.evidenceOf(slug);
  }

  async current(): Promise<CostSizes> {
    const tag = this.store.stateTag;
    const fresh =
      this.tag !== null && this.tag.writes === tag.writes && (this.store.soleWriter || this.tag.epoch === tag.epoch);
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

/** Series whose sizes are kept: thirteen numbers each, so the cost limit reads a series once per write to it. */
const SERIES_SIZES_KEPT = 20_000;

interface SeriesSizesEntry {
  position: number;
  epoch: number;
  sizes: Promise<SeriesListSizes | null>;
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

/**
 * Each field costs 1 per time it can be resolved: its own items times those of every list around it. A field
 * read within one series (see seriesScopes) counts its list by that series' longest, the rest by the store's.
 */
const estimator =
  (sizes: CostSizes, scopes: ScopedSizes): ComplexityEstimator =>
  ({ type, field, args, childComplexity, node }) =>
    itemsAtMost(type.name, field, args, scopes.get(node) ?? sizes) * (1 + childComplexity);

/** The sizes to cost a field by, by its node, for fields read within one series. */
type ScopedSizes = ReadonlyMap<FieldNode, CostSizes>;

/** The scoped sizes of an operation: the store's, with each named series' own lists where it names one. */
function scopedSizes(
  scopes: ReadonlyMap<FieldNode, string>,
  sizes: CostSizes,
  bySeries: ReadonlyMap<string, SeriesListSizes | null>,
  evidenceOf: (slug: string) => EvidenceSizes | undefined,
): ScopedSizes {
  const merged = new Map<string, CostSizes>();
  const scoped = new Map<FieldNode, CostSizes>();
  for (const [node, slug] of scopes) {
    if (!bySeries.has(slug)) continue;
    let sized = merged.get(slug);
    if (sized === undefined) {
      // No such series: its lists hold nothing (the field answers null).
      const own = bySeries.get(slug);
      sized =
        own == null ? { ...sizes, ...NO_SERIES_LISTS, ...NO_EVIDENCE } : { ...sizes, ...own, ...evidenceOf(slug) };
      merged.set(slug, sized);
    }
    scoped.set(node, sized);
  }
  return scoped;
}

const NOTHING_SCOPED: ScopedSizes = new Map();
const NO_SERIES_LISTS = Object.fromEntries(SERIES_LIST_KEYS.map((key) => [key, 0])) as SeriesListSizes;

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
    scoped = NOTHING_SCOPED,
    variables,
    operationName,
  }: { limit: number; sizes: CostSizes; scoped?: ScopedSizes; variables?: unknown; operationName?: unknown },
): { cost: number; error: GraphQLError | null } {
  let cost = 0;
  const rule = createComplexityRule({
    maximumComplexity: limit,
    estimators: [estimator(sizes, scoped)],
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
  private readonly byDocument = new WeakMap<object, { sizes: CostSizes; within: Map<string, number> }>();

  /** Only operations within the limit are kept: a refusal is worked out again, with an error object of its own. */
  costOf(
    schema: Parameters<typeof validate>[0],
    document: Parameters<typeof validate>[1],
    options: { limit: number; sizes: CostSizes; scoped?: ScopedSizes; variables?: unknown; operationName?: unknown },
  ): { cost: number; error: GraphQLError | null } {
    const key = memoKey(options.operationName, options.variables);
    let entry = this.byDocument.get(document);
    if (entry?.sizes !== options.sizes) {
      entry = { sizes: options.sizes, within: new Map() };
      this.byDocument.set(document, entry);
    }
    const known = key === null ? undefined : entry.within.get(key);
    if (known !== undefined) return { cost: known, error: null };
    const costed = costOf(schema, document, options);
    if (costed.error === null && key !== null) {
      if (entry.within.size >= COSTS_PER_DOCUMENT) entry.within.delete(entry.within.keys().next().value!);
      entry.within.set(key, costed.cost);
    }
    return costed;
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
  // Costed store-wide first, which reads nothing; only an operation over the limit that way is costed again by
  // the series it names, whose sizes that reads (once per series until a write touches it).
  const refuseOverLimit = (async ({ args, setResultAndStopExecution }) => {
    const latest = sizes.latest;
    const options = { limit, sizes: latest, variables: args.variableValues, operationName: args.operationName };
    let costed = memo.costOf(args.schema, args.document, options);
    if (costed.error !== null) {
      const scopes = seriesScopes(args.schema, args.document, args.operationName, args.variableValues);
      if (scopes.size > 0) {
        const scoped = scopedSizes(scopes, latest, await sizes.ofSeries(scopes.values()), (slug) =>
          sizes.evidenceOf(slug),
        );
        costed = memo.costOf(args.schema, args.document, { ...options, scoped });
      }
    }
    if (costed.error !== null) setResultAndStopExecution({ errors: [costed.error] });
    else operationCosts.set(args.contextValue, costed.cost);
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
