import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startNeo4j } from '../../scripts/neo4j.mjs';
import { Neo4jStore } from '../../src/store/neo4j/index.js';
import { ensureCatalogue, neo4jEnv, runScript } from './prepare.js';
import { ROOT } from './process.js';
import type { StoreName } from './subjects.js';

/** One `npm run import` or `npm run export` of a generated catalogue, as the command itself reports it. */
export interface Transfer {
  store: StoreName;
  direction: 'import' | 'export';
  series: number;
  records: number;
  seconds: number;
  recordsPerSecond: number;
  /** Peak RSS of the command's process (sampled every 250 ms), in MB. */
  peakRssMb: number;
}

const log = (message: string) => process.stderr.write(`${message}\n`);

/** The command's own summary line: "written in 12.3s (4567 records/s)" or "exported in …". */
function reported(direction: Transfer['direction'], stdout: string) {
  const verb = direction === 'import' ? 'written' : 'exported';
  const match = new RegExp(`${verb} in ([\\d.]+)s \\((\\d+) records/s\\): .*?(\\d+) records`).exec(stdout);
  if (!match) throw new Error(`npm run ${direction} printed no summary:\n${stdout.slice(-2000)}`);
  return { seconds: Number(match[1]), rate: Number(match[2]), records: Number(match[3]) };
}

async function transfer(
  store: StoreName,
  series: number,
  catalogue: string,
  env: Record<string, string>,
): Promise<Transfer[]> {
  const out = await mkdtemp(path.join(tmpdir(), 'bench-export-'));
  const results: Transfer[] = [];
  try {
    for (const [direction, args] of [
      ['import', ['dist/scripts/import.js', catalogue]],
      ['export', ['dist/scripts/export.js', out]],
    ] as const) {
      log(`  ${store}: npm run ${direction} at ${series} series`);
      const run = await runScript([...args], env);
      const { seconds, rate, records } = reported(direction, run.stdout);
      results.push({
        store,
        direction,
        series,
        records,
        seconds,
        recordsPerSecond: rate,
        peakRssMb: run.peakRssMb,
      });
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
  return results;
}

/**
 * Imports each generated catalogue into an empty store with `npm run import`, then exports it with
 * `npm run export`, for each store: records per second and the commands' peak RSS, scale by scale.
 */
export async function measureTransfers(scales: readonly number[], stores: readonly StoreName[]): Promise<Transfer[]> {
  const results: Transfer[] = [];
  const catalogues = new Map<number, string>();
  for (const series of scales) catalogues.set(series, await ensureCatalogue(series));
  if (stores.includes('embedded')) {
    for (const series of scales) {
      const dataDir = await mkdtemp(path.join(tmpdir(), 'bench-transfer-embedded-'));
      try {
        results.push(...(await transfer('embedded', series, catalogues.get(series)!, { DATA_DIR: dataDir })));
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    }
  }
  if (stores.includes('neo4j')) {
    log('neo4j: starting a local Neo4j for import and export (scripts/neo4j.mjs)');
    const neo4j = await startNeo4j({ dataDir: path.join(ROOT, 'generated', 'bench-neo4j-transfer'), quiet: true });
    const settings = { uri: neo4j.uri, user: neo4j.user, password: neo4j.password, database: 'neo4j' };
    try {
      for (const series of scales) {
        const store = new Neo4jStore(settings);
        try {
          await store.migrate();
          await store.deleteEverything();
        } finally {
          await store.close();
        }
        results.push(...(await transfer('neo4j', series, catalogues.get(series)!, neo4jEnv(settings))));
      }
    } finally {
      await neo4j.stop();
    }
  }
  return results;
}
