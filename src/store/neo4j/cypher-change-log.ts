/* The change log: one :Change node per record a write touched, written inside that write's transaction. */

/**
 * Takes the next cursors from the one counter node. Its write lock is held until commit, so cursors
 * follow commit order: a reader that saw cursor n committed has seen every entry before it.
 */
export const LOG_CHANGES = `// name: logChanges
MERGE (counter:ChangeCounter {id: 1})
ON CREATE SET counter.latest = 0
SET counter.latest = counter.latest + size($entries)
WITH counter.latest - size($entries) AS base
UNWIND range(0, size($entries) - 1) AS i
WITH base + i + 1 AS cursor, $entries[i] AS e
CREATE (:Change {cursor: cursor, at: $at, operation: e.operation, collection: e.collection, key: e.key,
  series: e.series, actor: e.actor})
RETURN count(*) AS logged`;

/** Removes entries older than the cutoff, oldest first, at most $limit of them (the scan is the cursor index's first $limit). */
export const PRUNE_CHANGES = `// name: pruneChanges
MATCH (c:Change) WHERE c.cursor > 0
WITH c ORDER BY c.cursor LIMIT $limit
WITH c WHERE c.at < $cutoff
DELETE c
RETURN count(*) AS pruned`;

/** The counter's latest cursor and, in a list of at most one, the oldest entry's (the cursor index's first). */
const BOUNDS = `OPTIONAL MATCH (counter:ChangeCounter {id: 1})
WITH coalesce(counter.latest, 0) AS latest
WITH latest, COLLECT { MATCH (c:Change) WHERE c.cursor > 0 RETURN c.cursor ORDER BY c.cursor LIMIT 1 } AS oldest`;

export const CHANGE_LOG_BOUNDS = `// name: changeLogBounds
${BOUNDS}
RETURN latest, oldest`;

/** Up to $first + 1 entries after startAfter, up to latest, of the series and collections asked for, as `found`. */
const pageOf = (found: string): string => `COLLECT {
  MATCH (c:Change) WHERE c.cursor > startAfter AND c.cursor <= latest
    AND ($series IS NULL OR c.series = $series)
    AND ($collections IS NULL OR c.collection IN $collections)
  WITH c ORDER BY c.cursor LIMIT $first + 1
  RETURN ${found}
}`;

/** Where a client resumes after a page whose entries' cursors are `cursors`: its last, or latest when it is not full. */
const endOf = (cursors: string): string => `CASE
  WHEN size(${cursors}) <= $first THEN latest
  WHEN $first = 0 THEN startAfter
  ELSE ${cursors}[$first - 1] END`;

/**
 * The log's bounds and a page of it in one query. A commit can show its counter before all of its entries, so the
 * query finds where a page would end (`bound`), counts the entries of any series and type up to there (`seen`), then
 * reads the page: an entry visible to the count is visible to the read after it, and the page ends at or before
 * `bound`. A `seen` short of `bound - startAfter` means an entry was not visible yet: the caller reads again rather
 * than let a client resume past it.
 */
export const CHANGES_AFTER = `// name: changesAfter
${BOUNDS}
WITH latest, oldest, coalesce($after, coalesce(oldest[0], latest + 1) - 1) AS startAfter
WITH latest, oldest, startAfter, ${pageOf('c.cursor')} AS probe
WITH latest, oldest, startAfter, ${endOf('probe')} AS bound
WITH latest, oldest, startAfter, bound,
  COUNT { MATCH (c:Change) WHERE c.cursor > startAfter AND c.cursor <= bound } AS seen
WITH latest, oldest, startAfter, bound, seen,
  ${pageOf('c {.cursor, .at, .operation, .collection, .key, .series, .actor}')} AS items
RETURN latest, oldest, startAfter, bound, seen, items, ${endOf('[item IN items | item.cursor]')} AS through`;
