export interface RedisHandle {
  /** redis://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /** null while stopped */
  readonly pid: number | null;
  /** Stops the server and deletes its temporary directory. */
  stop(): Promise<void>;
  /** Kills the server (SIGKILL) but keeps the port, for startServer() later. */
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
}

export function startRedis(options?: { port?: number; quiet?: boolean }): Promise<RedisHandle>;
export function runningRedis(dataDir?: string): { pid: number; port: number } | null;
