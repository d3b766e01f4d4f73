import type { Neo4jSettings } from '../../src/config/environment.js';
import { Neo4jFloor } from './floor-neo4j.js';
import type { BenchKeys } from './keys.js';
import type { Subject } from './subjects.js';

/* The peer's answers have their own shape; these compare what they say (sizes and names) with the floor's. */

type Json = Record<string, any>;

const confessions = (floor: Json, peer: Json) => [floor.events.edges.length, peer.plotEvents.length];

function seriesPage(floor: Json, peer: Json) {
  const count = (episodes: Json[], participants: (e: Json) => Json[], people: (p: Json) => Json[]) =>
    episodes
      .flatMap((ep) => ep.events.flatMap(participants))
      .reduce((n: number, p: Json) => n + 1 + people(p).length, 0);
  return [
    count(
      floor.series.episodes,
      (e) => e.participants,
      (p) => p.character.portrayedBy,
    ),
    count(
      peer.series[0].episodes,
      (e) => e.participantsConnection.edges,
      (p) => p.node.portrayedBy,
    ),
  ];
}

function standing(floor: Json, peer: Json) {
  const character = peer.characters[0];
  const names = [...character.relatesToConnection.edges, ...character.relatedByConnection.edges].map(
    (e: Json) => e.node.name,
  );
  const floorNames = floor.character.relationships.map((r: Json) =>
    r.from.name === floor.character.name ? r.to.name : r.from.name,
  );
  return [floorNames.sort().join(','), names.sort().join(',')];
}

const CHECKS = { confessions, seriesPage, standing } as const;

/** Throws when the peer answers operations 1–3 differently from the floor (so the comparison is fair). */
export async function checkPeerAgrees(peer: Subject, keys: BenchKeys, settings: Neo4jSettings): Promise<void> {
  const floor = new Neo4jFloor(settings);
  try {
    for (const [op, check] of Object.entries(CHECKS)) {
      const [expected, actual] = check(
        (await floor[op as keyof typeof CHECKS](keys)) as Json,
        (await peer.answer(op as never)) as Json,
      );
      if (expected !== actual) throw new Error(`the peer disagrees with the floor on ${op}: ${expected} vs ${actual}`);
      process.stderr.write(`  peer agrees with the floor on ${op} (${expected})\n`);
    }
  } finally {
    await floor.close();
  }
}
