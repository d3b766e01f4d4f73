export interface Neo4jHandle {
  /** bolt://127.0.0.1:PORT */
  readonly uri: string;
  /** neo4j://127.0.0.1:PORT (routing; works against this single server too) */
  readonly routingUri: string;
  readonly user: 'neo4j';
  /** '' means auth is disabled */
  readonly password: string;
  readonly port: number;
  readonly dataDir: string;
  /** null while stopped */
  readonly pid: number | null;
  /** Stops the server and deletes dataDir when it was a temporary one. */
  stop(): Promise<void>;
  /** Stops the server but keeps port, data and handle, for startServer() later. */
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
}

export interface StartOptions {
  /** 0 or undefined: a free port */
  port?: number;
  /** undefined: a new temporary directory, deleted by stop() */
  dataDir?: string;
  /** default: NEO4J_PASSWORD, else 'drama-graph-local'; '' disables auth */
  password?: string;
  /** NEO4J_LISTEN_ADDRESS: where Bolt listens (default 127.0.0.1), with no advertised address fixed */
  listenAddress?: string;
  quiet?: boolean;
}

export function startNeo4j(options?: StartOptions): Promise<Neo4jHandle>;
export function buildLauncher(options?: { quiet?: boolean; force?: boolean }): string;
export function freePort(): Promise<number>;
export function runningServer(dataDir?: string): { pid: number; port: number } | null;
export function startDetached(options?: { port?: number; dataDir?: string; password?: string }): Promise<{
  uri: string;
  password: string;
  pid: number;
  already: boolean;
}>;
export function stopDetached(options?: { dataDir?: string }): Promise<{ pid: number; port: number } | null>;
