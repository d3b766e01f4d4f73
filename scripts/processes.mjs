// Servers the project starts (Neo4j, Redis): their pid files, and stopping them.
import fs from 'node:fs';

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
