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

export const CHANGE_LOG_BOUNDS = `// name: changeLogBounds
OPTIONAL MATCH (counter:ChangeCounter {id: 1})
RETURN coalesce(counter.latest, 0) AS latest,
  COLLECT { MATCH (c:Change) WHERE c.cursor > 0 RETURN c.cursor ORDER BY c.cursor LIMIT 1 } AS oldest`;

/**
 * The log's bounds and a page of it in one query. A commit can show its counter before all of its entries, so the
 * query finds where a page would end (`bound`), counts the entries of any series and type up to there (`seen`), then
 * reads the page: an entry visible to the count is visible to the read after it, and the page ends at or before
 * `bound`. A `seen` short of `bound - startAfter` means an entry was not visible yet: the caller reads again rather
 * than let a client resume past it.
 */
export const CHANGES_AFTER = `// name: changesAfter
OPTIONAL MATCH (counter:ChangeCounter {id: 1})
WITH coalesce(counter.latest, 0) AS latest
WITH latest, COLLECT { MATCH (c:Change) WHERE c.cursor > 0 RETURN c.cursor ORDER BY c.cursor LIMIT 1 } AS oldest
WITH latest, oldest, coalesce($after, coalesce(oldest[0], latest + 1) - 1) AS startAfter
WITH latest, oldest, startAfter, COLLECT {
  MATCH (c:Change) WHERE c.cursor > startAfter AND c.cursor <= latest
    AND ($series IS NULL OR c.series = $series)
    AND ($collections IS NULL OR c.collection IN $collections)
  WITH c ORDER BY c.cursor LIMIT $first + 1
  RETURN c.cursor
} AS probe
WITH latest, oldest, startAfter, CASE
  WHEN size(probe) <= $first THEN latest
  WHEN $first = 0 THEN startAfter
  ELSE probe[$first - 1] END AS bound
WITH latest, oldest, startAfter, bound,
  COUNT { MATCH (c:Change) WHERE c.cursor > startAfter AND c.cursor <= bound } AS seen
WITH latest, oldest, startAfter, bound, seen, COLLECT {
  MATCH (c:Change) WHERE c.cursor > startAfter AND c.cursor <= latest
    AND ($series IS NULL OR c.series = $series)
    AND ($collections IS NULL OR c.collection IN $collections)
  WITH c ORDER BY c.cursor LIMIT $first + 1
  RETURN c {.cursor, .at, .operation, .collection, .key, .series, .actor}
} AS items
RETURN latest, oldest, startAfter, bound, seen, items, CASE
  WHEN size(items) <= $first THEN latest
  WHEN $first = 0 THEN startAfter
  ELSE items[$first - 1].cursor END AS through`;
