// Servers the project starts (Neo4j, Redis): their pid files, and stopping them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether `pid` runs and (when /proc tells) its command line holds `mark`, so a reused pid is not taken for ours. */
function alive(pid, mark) {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return e.code === 'EPERM';
  }
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(mark);
  } catch {
    return true;
  }
}

/** { pid, port } recorded in `pidFile` ("pid port") when that process still runs, else null. */
export function recordedServer(pidFile, mark) {
  try {
    const [pid, port] = fs.readFileSync(pidFile, 'utf8').trim().split(/\s+/).map(Number);
    return pid && alive(pid, mark) ? { pid, port } : null;
  } catch {
    return null;
  }
}

async function waitForExit(pid, mark, ms) {
  const deadline = Date.now() + ms;
  while (alive(pid, mark)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/** Sends `signal`, and SIGKILL when the process outlives `timeoutMs`. */
export async function stopServerProcess(pid, mark, { signal = 'SIGTERM', timeoutMs = 30_000 } = {}) {
  if (!alive(pid, mark)) return;
  process.kill(pid, signal);
  if (!(await waitForExit(pid, mark, timeoutMs))) {
    process.kill(pid, 'SIGKILL');
    await waitForExit(pid, mark, 5_000);
  }
}

/** A TCP port from the command line: an integer 1–65535, else an error that says which option. */
export function portOption(value, fallback) {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!/^[0-9]+$/.test(value) || port < 1 || port > 65535)
    throw new UsageError(`--port must be 1–65535, not "${value}"`);
  return port;
}

export class UsageError extends Error {}

/**
 * Runs `main(command, options)` when the file at `metaUrl` is the entry point (node's parseArgs reads
 * the options). A bad option or command prints `usage` and exits 2; a failure prints its message and exits 1.
 */
export function runCommandLine(metaUrl, { usage, options }, main) {
  if (!process.argv[1] || path.resolve(process.argv[1]) !== fileURLToPath(metaUrl)) return;
  const fail = (e) => {
    console.error(
      e instanceof UsageError || e.code?.startsWith('ERR_PARSE_ARGS') ? `${e.message}\n${usage}` : e.message,
    );
    process.exitCode = e instanceof UsageError || e.code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
  };
  try {
    const { positionals, values } = parseArgs({ args: process.argv.slice(2), options, allowPositionals: true });
    if (positionals.length !== 1) throw new UsageError('expected one command');
    Promise.resolve(main(positionals[0], values)).catch(fail);
  } catch (e) {
    fail(e);
  }
}
