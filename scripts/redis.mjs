#!/usr/bin/env node
// A local Redis from Debian's redis-server (apt-get install redis-server), bound to 127.0.0.1.
//   node scripts/redis.mjs start [--port N] [--data DIR] | stop [--data DIR]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './neo4j.mjs';
import { portOption, recordedServer, runCommandLine, stopServerProcess, UsageError } from './processes.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_DATA = path.join(ROOT, '.redis');
const START_TIMEOUT_MS = 30_000;
/** Marks our server's command line, so a reused pid is not taken for it. */
const MARK = 'redis-server';
const STOP_TIMEOUT_MS = 15_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const pidFile = (home) => path.join(home, 'redis.pid');
const logFile = (home) => path.join(home, 'redis.log');

/** { pid, port } of a live server recorded in HOME/redis.pid, else null. */
export function runningRedis(home = DEFAULT_DATA) {
  return recordedServer(pidFile(path.resolve(home)), MARK);
}

/** Resolves true once the server answers PING with PONG. */
function pong(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(2_000, () => socket.destroy());
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) socket.end();
    });
    socket.on('close', () => resolve(reply.startsWith('+PONG')));
    socket.on('error', () => resolve(false));
  });
}

const killPid = (pid, signal = 'SIGTERM') => stopServerProcess(pid, MARK, { signal, timeoutMs: STOP_TIMEOUT_MS });

function redisServer() {
  const candidates = [process.env.REDIS_SERVER, '/usr/bin/redis-server', '/usr/local/bin/redis-server'];
  const found = candidates.find((p) => p && fs.existsSync(p));
  if (!found) {
    throw new Error("redis-server is not installed: install Debian's package (apt-get install redis-server)");
  }
  return found;
}

async function launch({ home, port, persistent, detached }) {
  const existing = runningRedis(home);
  if (existing) throw new Error(`Redis already runs on ${home} (pid ${existing.pid}, port ${existing.port})`);
  fs.mkdirSync(home, { recursive: true });
  const log = logFile(home);
  const out = fs.openSync(log, 'a');
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', home, '--protected-mode', 'yes'];
  args.push(...(persistent ? ['--appendonly', 'yes'] : ['--save', '', '--appendonly', 'no']));
  const child = spawn(redisServer(), args, { cwd: home, detached, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  let exited = null;
  child.once('exit', (code, signal) => (exited = signal ?? code));
  await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject));
  fs.writeFileSync(pidFile(home), `${child.pid} ${port}\n`);
  child.unref();
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (await pong(port)) return child;
    const failure = exited !== null ? `exited (${exited})` : Date.now() > deadline ? 'timed out' : null;
    if (failure) {
      if (exited === null) await killPid(child.pid, 'SIGKILL');
      fs.rmSync(pidFile(home), { force: true });
      const tail = fs.readFileSync(log, 'utf8').split('\n').slice(-20).join('\n');
      throw new Error(`Redis on port ${port} ${failure}; ${log}:\n${tail}`);
    }
    await sleep(50);
  }
}

/**
 * Starts a throwaway Redis for tests; it dies with this process.
 * @returns handle with url, port, pid, stop() (deletes its directory), stopServer() and startServer()
 *   (same port, empty data: an outage that loses Redis's contents, as a restart without persistence does).
 */
export async function startRedis({ port, quiet = true } = {}) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-'));
  const redisPort = port || (await freePort());
  let child = null;
  const onExit = () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    fs.rmSync(home, { recursive: true, force: true });
  };
  process.on('exit', onExit);
  const handle = {
    url: `redis://127.0.0.1:${redisPort}`,
    port: redisPort,
    get pid() {
      return child?.pid ?? null;
    },
    async startServer() {
      if (child) return;
      child = await launch({ home, port: redisPort, persistent: false, detached: false });
      if (!quiet) console.error(`Redis ready on ${handle.url}`);
    },
    async stopServer() {
      if (!child) return;
      const pid = child.pid;
      child = null;
      await killPid(pid, 'SIGKILL');
      fs.rmSync(pidFile(home), { force: true });
    },
    async stop() {
      await handle.stopServer();
      process.off('exit', onExit);
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
  try {
    await handle.startServer();
  } catch (e) {
    await handle.stop();
    throw e;
  }
  return handle;
}

const USAGE = 'usage: node scripts/redis.mjs start [--port N] [--data DIR] | stop [--data DIR]';

runCommandLine(
  import.meta.url,
  { usage: USAGE, options: { data: { type: 'string' }, port: { type: 'string' } } },
  async (command, options) => {
    const home = path.resolve(options.data ?? DEFAULT_DATA);
    if (command === 'start') {
      const running = runningRedis(home);
      const port = running?.port ?? portOption(options.port, 6379);
      if (running) console.error(`Redis already running (pid ${running.pid})`);
      else console.error(`Redis started (pid ${(await launch({ home, port, persistent: true, detached: true })).pid})`);
      console.log(`REDIS_URL=redis://127.0.0.1:${port}`);
    } else if (command === 'stop') {
      const running = runningRedis(home);
      if (running) await killPid(running.pid);
      fs.rmSync(pidFile(home), { force: true });
      console.error(running ? `Redis stopped (pid ${running.pid})` : 'Redis was not running');
    } else {
      throw new UsageError(`unknown command "${command}"`);
    }
  },
);
