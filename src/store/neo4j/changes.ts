import { type ChangeLogOptions, changeDrafts, changedDrafts, recordId } from '../../domain/change-log.js';
import type { Collection } from '../../domain/collections.js';
import { type ChangeSet, type Deletions, touchedSeries } from '../../domain/integrity/changes.js';
import { planChanges } from '../../domain/integrity/plan.js';
import { logChangesIn } from './change-log.js';
import * as changeCypher from './cypher-changes.js';
import type { WriteTx } from './driver.js';
import { importInto } from './importer.js';
import { unchangedRecords } from './stored.js';
import { Neo4jStoryView } from './story-view.js';

const DELETIONS: [Collection, string][] = [
  ['events', changeCypher.DELETE_EVENTS],
  ['relationships', changeCypher.DELETE_RELATIONSHIPS],
  ['castings', changeCypher.DELETE_CASTINGS],
  ['credits', changeCypher.DELETE_CREDITS],
  ['characters', changeCypher.DELETE_CHARACTERS],
  ['episodes', changeCypher.DELETE_EPISODES],
  ['series', changeCypher.DELETE_SERIES],
  ['people', changeCypher.DELETE_PEOPLE],
];

/** Lock nodes are shared by keys that hash alike, so their number stays bounded whatever the data's size. */
export const LOCK_STRIPES = 4096;

/** FNV-1a over the UTF-16 code units, folded onto the stripes. */
function stripeOf(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % LOCK_STRIPES;
}

/**
 * The stripes whose locks serialize every write that could conflict with this one: each series it writes
 * in or deletes from (every rule but those about people stays inside one series), and each person it
 * writes, deletes or refers to.
 */
export function lockStripes(changes: ChangeSet): number[] {
  const { upserts, deletes } = changes;
  const people = [
    ...upserts.people.map((p) => p.key),
    ...deletes.people,
    ...upserts.castings.map((c) => c.personKey),
    ...upserts.credits.map((c) => c.personKey),
    ...upserts.series.flatMap((s) => s.starring),
  ];
  const names = [...[...touchedSeries(changes)].map((s) => `series:${s}`), ...people.map((p) => `person:${p}`)];
  return [...new Set(names.map(stripeOf))].sort((a, b) => a - b);
}

/** Deletes the records; answers the record ids of those that were not there. */
async function deleteAll(tx: WriteTx, deletes: Deletions): Promise<Set<string>> {
  const absent = new Set<string>();
  for (const [collection, cypher] of DELETIONS) {
    if (deletes[collection].length === 0) continue;
    const [row] = await tx.run(cypher, { keys: deletes[collection] });
    const deleted = new Set((row?.deleted as string[] | undefined) ?? []);
    for (const key of deletes[collection]) if (!deleted.has(key)) absent.add(recordId(collection, key));
  }
  return absent;
}

/**
 * Takes the write locks of the stripes the changes touch, in one order, so that two writes of the same
 * records (an import included) run one after the other and each reads what the other committed.
 */
export async function lockWhatChanges(tx: WriteTx, changes: ChangeSet): Promise<void> {
  const stripes = lockStripes(changes);
  if (stripes.length > 0) await tx.run(changeCypher.LOCK_STRIPES, { stripes });
}

/**
 * Locks what the changes touch, plans them against the state inside `tx` (committed by then by any
 * conflicting write), then deletes, upserts and logs what it applied; the caller commits.
 */
export async function applyChangesIn(
  tx: WriteTx,
  changes: ChangeSet,
  actor: string | null,
  log: ChangeLogOptions,
): Promise<ChangeSet> {
  await lockWhatChanges(tx, changes);
  const plan = await planChanges(changes, new Neo4jStoryView(tx));
  const unchanged = await unchangedRecords(tx, plan.upserts);
  const absent = await deleteAll(tx, plan.deletes);
  await importInto(tx, plan.upserts, undefined);
  await logChangesIn(tx, changedDrafts(changeDrafts(plan, actor), unchanged, absent), log);
  return plan;
}
