import neo4j, {
  Neo4jError,
  type Driver,
  type EagerResult,
  type ManagedTransaction,
  type RecordShape,
  type RoutingControl,
} from 'neo4j-driver';
import pLimit, { type LimitFunction } from 'p-limit';
import { StoreTimeoutError, StoreUnavailableError } from '../../errors.js';
import { toParams } from './values.js';

export interface Neo4jConnectionOptions {
  uri: string;
  user: string;
  password: string;
  database: string;
  /** Per-transaction timeout sent to the server; default 15 s. */
  transactionTimeoutMs?: number;
  /** How long the driver retries a transaction on transient or connection errors; default 5 s. */
  maxRetryTimeMs?: number;
  /** Timeout for opening one connection; default 5 s. */
  connectionTimeoutMs?: number;
  /** Write transactions run at once from this process; more wait their turn. Default 8. */
  maxConcurrentWrites?: number;
}

export type Row = RecordShape<string, unknown>;
export type Params = Record<string, unknown>;

const UNAVAILABLE_CODES = new Set([
  neo4j.error.SERVICE_UNAVAILABLE,
  neo4j.error.SESSION_EXPIRED,
  'Neo.TransientError.General.DatabaseUnavailable',
]);

const rows = (result: { records: { toObject(): Row }[] }): Row[] => result.records.map((r) => r.toObject());

/** The server ended a transaction that ran past its timeout (Neo4j 5: TransactionTimedOut…). */
export function isTimeout(error: unknown): boolean {
  return error instanceof Neo4jError && error.code.startsWith('Neo.ClientError.Transaction.TransactionTimedOut');
}

export function isUnavailable(error: unknown): boolean {
  if (error instanceof Neo4jError && UNAVAILABLE_CODES.has(error.code)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : '';
  return code === 'ECONNREFUSED' || message.includes('ECONNREFUSED') || message.includes('Connection acquisition timed out');
}

/** Runs a query inside a managed write transaction, counting it as one round trip. */
export interface WriteTx {
  run(cypher: string, params: Params): Promise<Row[]>;
}

/** One driver per store: counts round trips and turns connection failures into StoreUnavailableError. */
export class Neo4jConnection {
  private readonly driver: Driver;
  private readonly database: string;
  private readonly timeout: number;
  private readonly writeSlots: LimitFunction;
  private trips = 0;
  private closed = false;

  constructor(options: Neo4jConnectionOptions) {
    this.database = options.database;
    this.timeout = options.transactionTimeoutMs ?? 15_000;
    this.writeSlots = pLimit(options.maxConcurrentWrites ?? 8);
    this.driver = neo4j.driver(options.uri, neo4j.auth.basic(options.user, options.password), {
      disableLosslessIntegers: true,
      maxTransactionRetryTime: options.maxRetryTimeMs ?? 5_000,
      connectionTimeout: options.connectionTimeoutMs ?? 5_000,
      connectionAcquisitionTimeout: (options.connectionTimeoutMs ?? 5_000) * 2,
    });
  }

  get roundTrips(): number {
    return this.trips;
  }

  async read(cypher: string, params: Params = {}): Promise<Row[]> {
    return rows(await this.query(cypher, params, neo4j.routing.READ));
  }

  /** A read that answers no query of a client (statistics for limits), so not counted as a round trip. */
  async readUncounted(cypher: string, params: Params = {}): Promise<Row[]> {
    return rows(await this.query(cypher, params, neo4j.routing.READ, false));
  }

  async write(cypher: string, params: Params = {}): Promise<Row[]> {
    return rows(await this.query(cypher, params, neo4j.routing.WRITE));
  }

  /** The bookmark a fresh read session ends with: it names the database's last committed transaction. */
  async bookmark(cypher: string): Promise<string> {
    this.ensureOpen();
    this.trips += 1;
    const session = this.driver.session({ database: this.database, defaultAccessMode: neo4j.session.READ });
    try {
      await session.executeRead((tx) => tx.run(cypher), { timeout: this.timeout });
      return session.lastBookmarks().join(' ');
    } catch (error) {
      throw this.translate(error);
    } finally {
      await session.close();
    }
  }

  /** Runs a schema statement; true when it created an index or constraint. */
  async schema(cypher: string): Promise<boolean> {
    const { counters } = (await this.query(cypher, {}, neo4j.routing.WRITE)).summary;
    return counters.updates().indexesAdded + counters.updates().constraintsAdded > 0;
  }

  /**
   * Runs `work` as one managed write transaction (retried as a whole on transient errors). Writes queue for
   * one of a few slots: writers of the same keys then wait in line here instead of holding every pooled
   * connection while they wait for each other's locks.
   */
  writeTransaction<T>(work: (tx: WriteTx) => Promise<T>): Promise<T> {
    this.ensureOpen();
    return this.writeSlots(() => this.runWrite(work));
  }

  private async runWrite<T>(work: (tx: WriteTx) => Promise<T>): Promise<T> {
    this.ensureOpen();
    const session = this.driver.session({
      database: this.database,
      defaultAccessMode: neo4j.session.WRITE,
      bookmarkManager: this.driver.executeQueryBookmarkManager,
    });
    try {
      return await session.executeWrite((tx) => work(this.wrap(tx)), { timeout: this.timeout });
    } catch (error) {
      throw this.translate(error);
    } finally {
      await session.close();
    }
  }

  close(): Promise<void> {
    this.closed = true;
    return this.driver.close();
  }

  private ensureOpen(): void {
    if (this.closed) throw new StoreUnavailableError('neo4j');
  }

  private wrap(tx: ManagedTransaction): WriteTx {
    return {
      run: async (cypher, params) => {
        this.trips += 1;
        return rows(await tx.run(cypher, toParams(params) as Params));
      },
    };
  }

  private async query(cypher: string, params: Params, routing: RoutingControl, counted = true): Promise<EagerResult> {
    this.ensureOpen();
    if (counted) this.trips += 1;
    try {
      return await this.driver.executeQuery(cypher, toParams(params), {
        database: this.database,
        routing,
        transactionConfig: { timeout: this.timeout },
      });
    } catch (error) {
      throw this.translate(error);
    }
  }

  private translate(error: unknown): unknown {
    if (isTimeout(error)) return Object.assign(new StoreTimeoutError('neo4j'), { cause: error });
    if (!isUnavailable(error)) return error;
    return Object.assign(new StoreUnavailableError('neo4j'), { cause: error });
  }
}
