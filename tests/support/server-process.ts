import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { withServiceNodeOptions } from '../../scripts/node-options.mjs';

export interface RunningServer {
  url: string;
  child: ChildProcess;
  logs: string[];
}

const ROOT = new URL('../..', import.meta.url).pathname;

/** How to run the server: by default as `npm start` does, from dist/ (which the suite's global setup compiles first). */
export interface ServerCommand {
  cwd: string;
  args: string[];
  /** Run as this user and group (root only), e.g. the image's unprivileged user. */
  uid?: number;
  gid?: number;
}

const BUILT: ServerCommand = { cwd: ROOT, args: ['--enable-source-maps', 'dist/src/server.js'] };

/** The server's environment: the service's V8 settings (scripts/node-options.mjs) before any NODE_OPTIONS given. */
const serverEnv = (env: Record<string, string>) =>
  withServiceNodeOptions({ ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env });

/** Starts the server on a free port and waits for its "listening" log line. */
export function startServerProcess(
  env: Record<string, string>,
  timeoutMs = 60_000,
  command: ServerCommand = BUILT,
): Promise<RunningServer> {
  const child = spawn(process.execPath, command.args, {
    cwd: command.cwd,
    env: serverEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(command.uid === undefined ? {} : { uid: command.uid }),
    ...(command.gid === undefined ? {} : { gid: command.gid }),
  });
  const logs: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${logs.join('\n')}`)), timeoutMs);
    child.stderr!.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${logs.join('\n')}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      logs.push(line);
      const url = line.includes('drama graph listening') ? (JSON.parse(line) as { url: string }).url : null;
      if (url) {
        clearTimeout(timer);
        resolve({ url, child, logs });
      }
    });
  });
}

export function stopServerProcess(server: RunningServer, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (server.child.exitCode !== null) return Promise.resolve(server.child.exitCode);
  return new Promise((resolve) => {
    server.child.once('exit', (code) => resolve(code));
    server.child.kill(signal);
  });
}

export async function postQuery(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

export interface ExitedProcess {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string[];
  stderr: string;
}

/** Runs the built server expecting it to stop by itself; kills it if it is still up after `timeoutMs`. */
export function runServerUntilExit(
  env: Record<string, string>,
  options: { uid?: number; gid?: number } = {},
  timeoutMs = 60_000,
): Promise<ExitedProcess> {
  return runUntilExit(process.execPath, BUILT.args, serverEnv(env), options, timeoutMs);
}

/** Runs a command in the project root (or `options.cwd`) to its end and returns its output lines. */
export function runUntilExit(
  command: string,
  args: string[],
  env: Record<string, string>,
  options: { uid?: number; gid?: number; cwd?: string } = {},
  timeoutMs = 120_000,
): Promise<ExitedProcess> {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
  });
  const stdout: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => stdout.push(line));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not stop by itself:\n${stdout.join('\n')}\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
