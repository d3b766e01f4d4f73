#!/usr/bin/env node
// A local Neo4j Community server (embedded, Bolt only) built from Maven Central jars: see neo4j/.
// NEO4J_HEAP (JVM -Xmx, default 1g) and NEO4J_PAGECACHE_MB (default 256) size it for large catalogues.
//   node scripts/neo4j.mjs build | start [--port N] [--data DIR] | stop [--data DIR]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { portOption, recordedServer, runCommandLine, stopServerProcess, UsageError } from './processes.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MODULE = path.join(ROOT, 'neo4j');
const JAR = path.join(MODULE, 'target', 'neo4j-launcher.jar');
const DEFAULT_DATA = path.join(ROOT, '.neo4j', 'data');
const DEFAULT_PASSWORD = 'drama-graph-local';
const START_TIMEOUT_MS = 120_000;
/** Marks our server's command line, so a reused pid is not taken for it. */
const MARK = 'neo4j-launcher.jar';
const STOP_TIMEOUT_MS = 30_000;
const JVM_FLAGS = [
  '-Xms256m',
  `-Xmx${process.env.NEO4J_HEAP || '1g'}`,
  '-XX:+UseG1GC',
  '-XX:-OmitStackTraceInFastThrow',
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '-Dio.netty.tryReflectionSetAccessible=true',
];

const java = () => (process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const files = (dir) =>
  fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? e.path, e.name));

function isStale() {
  if (!fs.existsSync(JAR) || !fs.existsSync(path.join(MODULE, 'target', 'lib'))) return true;
  const built = fs.statSync(JAR).mtimeMs;
  const sources = [path.join(MODULE, 'pom.xml'), ...files(path.join(MODULE, 'src'))];
  return sources.some((f) => fs.statSync(f).mtimeMs > built);
}

/** Builds neo4j/target (launcher jar + lib/) with Maven when it is missing or older than its sources. */
export function buildLauncher({ quiet = false, force = false } = {}) {
  if (!force && !isStale()) return JAR;
  if (!quiet) console.error('Building the Neo4j launcher (mvn package)...');
  const r = spawnSync('mvn', ['-B', '-q', '-Dstyle.color=never', '-f', path.join(MODULE, 'pom.xml'), 'package'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    throw new Error(`mvn package failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout}${r.stderr}`);
  }
  fs.utimesSync(JAR, new Date(), new Date());
  return JAR;
}

/** A port nothing listens on at `host` now (another process may take it before the caller binds it). */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function portFree(port, host) {
  return new Promise((resolve) => {
    const server = net.createServer().once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** Tries at a port of its own choosing when Neo4j found the one it was given taken meanwhile. */
const PORT_ATTEMPTS = 3;

const pidFile = (home) => path.join(home, 'neo4j.pid');
const logFile = (home) => path.join(home, 'neo4j.log');

/** { pid, port } of a live server recorded in HOME/neo4j.pid, else null. */
export function runningServer(home = DEFAULT_DATA) {
  return recordedServer(pidFile(path.resolve(home)), MARK);
}

const killPid = (pid, signal = 'SIGTERM') => stopServerProcess(pid, MARK, { signal, timeoutMs: STOP_TIMEOUT_MS });

function logTail(file, from) {
  try {
    const text = fs.readFileSync(file).subarray(from).toString('utf8');
    return text.split('\n').slice(-40).join('\n');
  } catch {
    return '';
  }
}

/** Spawns the launcher on HOME and PORT and resolves once it prints NEO4J_READY. */
async function launch({ home, port, password, detached, listenAddress }) {
  const existing = runningServer(home);
  if (existing) throw new Error(`Neo4j already runs on ${home} (pid ${existing.pid}, port ${existing.port})`);
  const host = listenAddress ?? '127.0.0.1';
  if (!(await portFree(port, host))) throw new Error(`Port ${port} on ${host} is already in use`);
  fs.mkdirSync(home, { recursive: true });
  const log = logFile(home);
  const from = fs.existsSync(log) ? fs.statSync(log).size : 0;
  const out = fs.openSync(log, 'a');
  const args = [...JVM_FLAGS, '-jar', JAR, home, String(port), ...(detached ? [] : ['--watch-stdin'])];
  const child = spawn(java(), args, {
    cwd: home,
    detached,
    env: {
      ...process.env,
      NEO4J_PASSWORD: password,
      ...(listenAddress ? { NEO4J_LISTEN_ADDRESS: listenAddress } : {}),
    },
    stdio: [detached ? 'ignore' : 'pipe', out, out],
  });
  fs.closeSync(out);
  let exited = null;
  child.once('exit', (code, signal) => (exited = signal ?? code));
  await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject));
  fs.writeFileSync(pidFile(home), `${child.pid} ${port}\n`);
  child.unref();
  child.stdin?.unref?.();

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const text = logTail(log, from);
    if (text.includes('NEO4J_READY')) return child;
    const failure = exited !== null ? `exited (${exited})` : Date.now() > deadline ? 'timed out' : null;
    if (failure) {
      if (exited === null) await killPid(child.pid);
      fs.rmSync(pidFile(home), { force: true });
      throw new Error(`Neo4j on port ${port} ${failure}; ${log}:\n${text}`);
    }
    await sleep(200);
  }
}

/**
 * Starts a throwaway (or persistent, with dataDir) Neo4j for tests. The server dies with this process.
 * @returns handle with uri (bolt://), routingUri (neo4j://), user, password, pid, port, dataDir,
 *   stop() (also deletes a temporary dataDir), stopServer() and startServer() (same port and data).
 */
export async function startNeo4j({ port, dataDir, password, listenAddress, quiet = false } = {}) {
  buildLauncher({ quiet });
  const temporary = !dataDir;
  const home = temporary ? fs.mkdtempSync(path.join(os.tmpdir(), 'neo4j-')) : path.resolve(dataDir);
  const pass = password ?? (process.env.NEO4J_PASSWORD || DEFAULT_PASSWORD);
  const host = listenAddress ?? '127.0.0.1';
  let boltPort = port || (await freePort(host));
  let child = null;

  const onExit = () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill(temporary ? 'SIGKILL' : 'SIGTERM');
    if (temporary) fs.rmSync(home, { recursive: true, force: true, maxRetries: 3 });
  };
  process.on('exit', onExit);

  const handle = {
    uri: `bolt://127.0.0.1:${boltPort}`,
    routingUri: `neo4j://127.0.0.1:${boltPort}`,
    user: 'neo4j',
    password: pass,
    port: boltPort,
    dataDir: home,
    get pid() {
      return child?.pid ?? null;
    },
    async startServer() {
      if (child) return;
      const started = Date.now();
      child = await launch({ home, port: boltPort, password: pass, detached: false, listenAddress });
      if (!quiet) console.error(`Neo4j ready on ${handle.uri} in ${Date.now() - started} ms (data: ${home})`);
    },
    async stopServer() {
      if (!child) return;
      const pid = child.pid;
      child = null;
      await killPid(pid);
      fs.rmSync(pidFile(home), { force: true });
    },
    async stop() {
      await handle.stopServer();
      process.off('exit', onExit);
      if (temporary) fs.rmSync(home, { recursive: true, force: true, maxRetries: 3 });
    },
  };
  for (let attempt = 1; ; attempt++) {
    try {
      await handle.startServer();
      return handle;
    } catch (e) {
      // The JVM binds seconds after the port was found free: another process's connection may have taken it.
      const taken = /Address already in use/.test(String(e?.message));
      if (port || !taken || attempt === PORT_ATTEMPTS) {
        await handle.stop();
        throw e;
      }
      boltPort = await freePort(host);
      Object.assign(handle, {
        uri: `bolt://127.0.0.1:${boltPort}`,
        routingUri: `neo4j://127.0.0.1:${boltPort}`,
        port: boltPort,
      });
    }
  }
}

/** Starts a detached server that outlives this process; stop it with stopDetached(). */
export async function startDetached({ port = 7687, dataDir = DEFAULT_DATA, password } = {}) {
  buildLauncher();
  const home = path.resolve(dataDir);
  const pass = password ?? (process.env.NEO4J_PASSWORD || DEFAULT_PASSWORD);
  const running = runningServer(home);
  if (running) return { uri: `bolt://127.0.0.1:${running.port}`, password: pass, pid: running.pid, already: true };
  const child = await launch({ home, port: port || (await freePort()), password: pass, detached: true });
  return { uri: `bolt://127.0.0.1:${runningServer(home)?.port}`, password: pass, pid: child.pid, already: false };
}

export async function stopDetached({ dataDir = DEFAULT_DATA } = {}) {
  const home = path.resolve(dataDir);
  const running = runningServer(home);
  if (running) await killPid(running.pid);
  fs.rmSync(pidFile(home), { force: true });
  return running;
}

const USAGE = 'usage: node scripts/neo4j.mjs build [--force] | start [--port N] [--data DIR] | stop [--data DIR]';

runCommandLine(
  import.meta.url,
  { usage: USAGE, options: { data: { type: 'string' }, port: { type: 'string' }, force: { type: 'boolean' } } },
  async (command, options) => {
    const dataDir = options.data ?? DEFAULT_DATA;
    if (command === 'build') {
      buildLauncher({ force: options.force === true });
      console.log(JAR);
    } else if (command === 'start') {
      const started = Date.now();
      const s = await startDetached({ port: portOption(options.port, 7687), dataDir });
      console.error(
        s.already
          ? `Neo4j already running (pid ${s.pid})`
          : `Neo4j started (pid ${s.pid}) in ${Date.now() - started} ms; log: ${logFile(path.resolve(dataDir))}`,
      );
      console.log(s.uri);
      console.log(`NEO4J_URI=${s.uri}\nNEO4J_USER=neo4j\nNEO4J_PASSWORD=${s.password}\nNEO4J_DATABASE=neo4j`);
    } else if (command === 'stop') {
      const stopped = await stopDetached({ dataDir });
      console.error(stopped ? `Neo4j stopped (pid ${stopped.pid})` : 'Neo4j was not running');
    } else {
      throw new UsageError(`unknown command "${command}"`);
    }
  },
);
