import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { startNeo4j } from '../../scripts/neo4j.mjs';
import type { Neo4jSettings } from '../../src/config/environment.js';
import { openEmbeddedStore } from '../../src/store/embedded/index.js';
import { EmbeddedFloor } from './floor-embedded.js';
import { Neo4jFloor } from './floor-neo4j.js';
import { type BenchKeys, keysOfCatalogue, otherKeysOfCatalogue } from './keys.js';
import { closeAgent, runLoad } from './load.js';
import { measureNonStoreTime, type NonStoreTime } from './non-store.js';
import { OPERATIONS } from './operations.js';
import { type BenchOptions, parseOptions } from './options.js';
import { checkPeerAgrees } from './peer-check.js';
import { ensureCatalogue, ensureEmbedded, ensureNeo4j, type LoadReport, neo4jDataDir, neo4jEnv } from './prepare.js';
import { ROOT, type Rss, type ServiceProcess, startDramaService, startNodeService } from './process.js';
import { type BenchResults, type Memory, printSummary, writeResults } from './report.js';
import { measureRoundTrips, type RoundTrips } from './round-trips.js';
import {
  benchSubject,
  type Cell,
  floorSubject,
  type Plan,
  peerSubject,
  type StoreName,
  type Subject,
  serviceSubject,
} from './subjects.js';
import { evaluateTargets } from './targets.js';
import { measureTransfers, type Transfer } from './transfer.js';

interface Run {
  plan: Plan;
  keys: BenchKeys;
  otherKeys: BenchKeys;
  cells: Cell[];
  roundTrips: RoundTrips[];
  memory: Memory[];
  loads: LoadReport[];
  nonStore: NonStoreTime | null;
}

const log = (message: string) => process.stderr.write(`${message}\n`);

const rssAfter = (rss: Rss) => ({ rssAfterMb: rss.total, rssAnonAfterMb: rss.anon, rssFileAfterMb: rss.file });

const SERVICES = [
  ['ours', 'on', 0, 'on'],
  ['unplanned', 'on', 0, 'off'],
  ['naive', 'off', 0, 'off'],
  ['cached', 'on', 60_000, 'on'],
] as const;

/**
 * Our service on one store: as deployed without the response cache ('ours': query planner and loaders on),
 * with the planner off ('unplanned': the loaders alone, PLANNER=off), with loaders off too ('naive'), and as
 * deployed by default ('cached', the response cache on): latency, round trips, peak RSS.
 */
async function benchService(run: Run, store: StoreName, storeEnv: Record<string, string>): Promise<void> {
  for (const [subject, loaders, cacheTtlMs, planner] of SERVICES) {
    log(
      `${store}: starting the service (${subject}: planner ${planner}, loaders ${loaders}, response cache ${cacheTtlMs > 0 ? 'on' : 'off'})`,
    );
    const service: ServiceProcess = await startDramaService(storeEnv, loaders, cacheTtlMs, planner);
    try {
      run.cells.push(...(await benchSubject(store, serviceSubject(subject, service.url, run.keys), run.plan)));
      if (subject !== 'cached')
        run.roundTrips.push(
          ...(await measureRoundTrips(store, subject, service.url, run.keys, run.otherKeys, run.plan.ops)),
        );
      run.memory.push({
        store,
        subject,
        peakRssMb: await service.peakRssMb(),
        ...rssAfter(await service.rssMb()),
        readyMs: service.readyMs,
      });
    } finally {
      await service.stop();
    }
  }
}

/** The service on an empty DATA_DIR: how long /ready takes and how much memory it holds when there is no data. */
async function emptyBaseline(run: Run): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'bench-empty-'));
  try {
    const service = await startDramaService({ DATA_DIR: dataDir }, 'on');
    try {
      run.memory.push({
        store: 'embedded',
        subject: 'empty DATA_DIR',
        peakRssMb: await service.peakRssMb(),
        ...rssAfter(await service.rssMb()),
        readyMs: service.readyMs,
      });
    } finally {
      await service.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function benchEmbedded(run: Run, options: BenchOptions, catalogue: string): Promise<void> {
  const { dataDir, report } = await ensureEmbedded(catalogue, options.series);
  run.loads.push(report);
  log('embedded: the service on an empty DATA_DIR (start-up baseline)');
  await emptyBaseline(run);
  await benchService(run, 'embedded', { DATA_DIR: dataDir });
  log('embedded: the floor (direct store calls, in the benchmark process)');
  const store = await openEmbeddedStore({ dataDir });
  try {
    run.cells.push(...(await benchSubject('embedded', floorSubject(new EmbeddedFloor(store), run.keys), run.plan)));
    run.nonStore = await measureNonStoreTime(store, run.keys);
  } finally {
    await store.close();
  }
}

async function benchPeer(run: Run, settings: Neo4jSettings): Promise<void> {
  log('neo4j: starting the peer (@neo4j/graphql)');
  const peer = await startNodeService('bench/src/peer-server.ts', neo4jEnv(settings));
  try {
    const subject = peerSubject(peer.url, run.keys);
    await checkPeerAgrees(subject, run.keys, settings);
    run.cells.push(...(await benchSubject('neo4j', subject, run.plan)));
    run.memory.push({
      store: 'neo4j',
      subject: 'peer',
      peakRssMb: await peer.peakRssMb(),
      ...rssAfter(await peer.rssMb()),
      readyMs: null,
    });
  } finally {
    await peer.stop();
  }
}

async function withNeo4j<T>(series: number, work: (settings: Neo4jSettings) => Promise<T>): Promise<T> {
  const uri = process.env.NEO4J_URI;
  if (uri) {
    const env = process.env;
    return work({
      uri,
      user: env.NEO4J_USER ?? 'neo4j',
      password: env.NEO4J_PASSWORD ?? '',
      database: env.NEO4J_DATABASE ?? 'neo4j',
    });
  }
  log('neo4j: starting a local Neo4j (scripts/neo4j.mjs)');
  const neo4j = await startNeo4j({ dataDir: await neo4jDataDir(series), quiet: true });
  try {
    return await work({ uri: neo4j.uri, user: neo4j.user, password: neo4j.password, database: 'neo4j' });
  } finally {
    await neo4j.stop();
  }
}

/** Discarded load on one subject: each planned operation at the plan's most clients, for `seconds`. */
async function warmSubject(subject: Subject, plan: Plan, seconds: number): Promise<void> {
  const clients = Math.max(...plan.clients);
  for (const op of subject.ops.filter((id) => plan.ops.includes(OPERATIONS.find((o) => o.id === id)!.number)))
    await runLoad(subject.request(op), clients, { durationMs: seconds * 1000, maxRequests: 0 });
}

/**
 * Neo4j compiles each query shape and warms its JIT as it runs it: whichever subject went first measured a
 * colder Neo4j (ours, by the order of the run). So every subject's queries run first, discarded, then all are measured.
 */
async function warmNeo4j(run: Run, settings: Neo4jSettings, seconds: number): Promise<void> {
  log(`neo4j: warming Neo4j up with every subject's operations (${seconds} s each, discarded)`);
  for (const [subject, loaders, cacheTtlMs, planner] of SERVICES) {
    if (cacheTtlMs > 0) continue;
    const service = await startDramaService(neo4jEnv(settings), loaders, cacheTtlMs, planner);
    try {
      await warmSubject(serviceSubject(subject, service.url, run.keys), run.plan, seconds);
    } finally {
      await service.stop();
    }
  }
  const floor = new Neo4jFloor(settings);
  try {
    await warmSubject(floorSubject(floor, run.keys), run.plan, seconds);
  } finally {
    await floor.close();
  }
  const peer = await startNodeService('bench/src/peer-server.ts', neo4jEnv(settings));
  try {
    await warmSubject(peerSubject(peer.url, run.keys), run.plan, seconds);
  } finally {
    await peer.stop();
  }
}

async function benchNeo4j(run: Run, options: BenchOptions, catalogue: string): Promise<void> {
  await withNeo4j(options.series, async (settings) => {
    run.loads.push(await ensureNeo4j(catalogue, options.series, settings));
    if (options.neo4jWarmS > 0) await warmNeo4j(run, settings, options.neo4jWarmS);
    await benchService(run, 'neo4j', neo4jEnv(settings));
    log('neo4j: the floor (one hand-written Cypher query per answer)');
    const floor = new Neo4jFloor(settings);
    try {
      run.cells.push(...(await benchSubject('neo4j', floorSubject(floor, run.keys), run.plan)));
    } finally {
      await floor.close();
    }
    await benchPeer(run, settings);
  });
}

/** The service and the import/export commands run as shipped, from dist/: compile it first (incremental). */
function buildShipped(): void {
  log('building dist/ (npm run build)');
  const { status } = spawnSync(process.execPath, ['scripts/ensure-dist.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (status !== 0) throw new Error(`building dist/ failed (exit ${status})`);
}

/** The options, or the reason they are refused and exit 2 (no stack trace). */
function optionsOrExit(): BenchOptions {
  try {
    return parseOptions(process.argv.slice(2));
  } catch (error) {
    const message = (error as Error).message;
    console.error(
      message.includes('npm run bench') ? message : `${message}\n(npm run bench -- --help lists the options)`,
    );
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const options = optionsOrExit();
  const startedAt = new Date();
  const loadAverageAtStart = os.loadavg();
  buildShipped();
  let transfers: Transfer[] = [];
  if (options.importScale.length > 0) {
    log(`import and export at ${options.importScale.join(', ')} series`);
    transfers = await measureTransfers(options.importScale, options.stores);
  }
  if (options.transferOnly) {
    const results: BenchResults = {
      date: startedAt.toISOString().slice(0, 10),
      startedAt: startedAt.toISOString(),
      options: { ...options },
      machine: { cpus: os.cpus().length, node: process.version, loadAverageAtStart },
      keys: null,
      loads: [],
      cells: [],
      roundTrips: [],
      memory: [],
      nonStore: null,
      targets: [],
      transfers,
      failure: null,
    };
    printSummary(results);
    log(`wrote ${(await writeResults(results, options.label ? `-${options.label}` : '')).join(' and ')}`);
    return;
  }
  const catalogue = await ensureCatalogue(options.series);
  const run: Run = {
    plan: {
      clients: options.clients,
      ops: options.ops,
      budget: { durationMs: options.durationS * 1000, maxRequests: options.requests },
      warmups: 3,
    },
    keys: await keysOfCatalogue(catalogue),
    otherKeys: await otherKeysOfCatalogue(catalogue),
    cells: [],
    roundTrips: [],
    memory: [],
    loads: [],
    nonStore: null,
  };
  log(`catalogue ${catalogue}; keys ${JSON.stringify(run.keys)}`);
  let failure: string | null = null;
  try {
    if (options.stores.includes('embedded')) await benchEmbedded(run, options, catalogue);
    if (options.stores.includes('neo4j')) await benchNeo4j(run, options, catalogue);
  } catch (error) {
    failure = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log(`the run stopped early; writing what it measured:\n${failure}`);
    process.exitCode = 1;
  }
  closeAgent();
  const results: BenchResults = {
    date: startedAt.toISOString().slice(0, 10),
    startedAt: startedAt.toISOString(),
    options: { ...options },
    machine: { cpus: os.cpus().length, node: process.version, loadAverageAtStart },
    keys: run.keys,
    loads: run.loads,
    cells: run.cells,
    roundTrips: run.roundTrips,
    memory: run.memory,
    nonStore: run.nonStore,
    targets: evaluateTargets(run.cells, run.roundTrips, run.nonStore, run.memory),
    transfers,
    failure,
  };
  printSummary(results);
  const files = await writeResults(results, options.label ? `-${options.label}` : '');
  log(`wrote ${files.join(' and ')}`);
}

await main();
