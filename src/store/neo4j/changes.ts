import type { ChangeSet, Collection, Deletions } from '../../domain/writes/changes.js';
import { planChanges } from '../../domain/writes/plan.js';
import type { WriteTx } from './connection.js';
import * as C from './cypher-changes.js';
import { importInto } from './importer.js';
import { Neo4jStoryView } from './story-view.js';

const DELETIONS: [Collection, string][] = [
  ['events', C.DELETE_EVENTS],
  ['relationships', C.DELETE_RELATIONSHIPS],
  ['castings', C.DELETE_CASTINGS],
  ['credits', C.DELETE_CREDITS],
  ['characters', C.DELETE_CHARACTERS],
  ['episodes', C.DELETE_EPISODES],
  ['series', C.DELETE_SERIES],
  ['people', C.DELETE_PEOPLE],
];

async function deleteAll(tx: WriteTx, deletes: Deletions): Promise<void> {
  for (const [collection, cypher] of DELETIONS) {
    if (deletes[collection].length > 0) await tx.run(cypher, { keys: deletes[collection] });
  }
}

/** Plans the changes against the state inside `tx`, then deletes and upserts; the caller commits. */
export async function applyChangesIn(tx: WriteTx, changes: ChangeSet): Promise<ChangeSet> {
  const plan = await planChanges(changes, new Neo4jStoryView(tx));
  await deleteAll(tx, plan.deletes);
  await importInto(tx, plan.upserts, undefined);
  return plan;
}
