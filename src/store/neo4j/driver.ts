import { setImmediate as nextTurn } from 'node:timers/promises';
import neo4j, {
  type Driver,
  Neo4jError,
  type QueryResult,
  type RecordShape,
  type Session,
  type SessionMode,
  type Transaction,
} from 'neo4j-driver';
import pLimit, { type LimitFunction } from 'p-limit';
import { StoreTimeoutError, StoreUnavailableError } from '../../errors.js';
import { publishRoundTrip } from '../round-trips.js';
import { toParams } from './values.js';

export interface Neo4jDriverOptions {
  uri: string;
  user: string;
  password: string;
  database: string;
  /** Per-transaction timeout sent to the server; default 15 s. */
  transactionTimeoutMs?: number;
  /** How long a transaction is retried on transient errors (deadlocks, a database still starting); default 5 s. */
  maxRetryTimeMs?: number;
  /** Timeout for opening one connection; default 5 s. */
  connectionTimeoutMs?: number;
  /** Write transactions run at once from this process; more wait their turn. Default 8. */
  maxConcurrentWrites?: number;
  /** Once Neo4j is unreachable, how often a background probe checks whether it is back; default 500 ms. */
  probeIntervalMs?: number;
}

export type Row = RecordShape<string, unknown>;
export type Params = Record<string, unknown>;

/** The connection itself failed: refused, reset, or closed under a query. */
const CONNECTION_LOST = new Set([neo4j.error.SERVICE_UNAVAILABLE, neo4j.error.SESSION_EXPIRED]);
const UNAVAILABLE_CODES = new Set([...CONNECTION_LOST, 'Neo.TransientError.General.DatabaseUnavailable']);
/** Attempts on a fresh connection after a lost one (a pooled connection may have died with a restart). */
const RECONNECTS = 2;
const FIRST_BACKOFF_MS = 100;

const rows = (result: { records: { toObject(): Row }[] }): Row[] => result.records.map((r) => r.toObject());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The server ended a transaction that ran past its timeout (Neo4j 5: TransactionTimedOut…). */
function isTimeout(error: unknown): boolean {
  return error instanceof Neo4jError && error.code.startsWith('Neo.ClientError.Transaction.TransactionTimedOut');
}

function isUnavailable(error: unknown): boolean {
  if (error instanceof Neo4jError && UNAVAILABLE_CODES.has(error.code)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : '';
  return (
    code === 'ECONNREFUSED' || message.includes('ECONNREFUSED') || message.includes('Connection acquisition timed out')
  );
}

/**
 * Runs `start` without the stack trace the driver captures for every result, only ever appended to a failure's
 * stack (where it would always name this file). Formatting it measured 4–10% of a small read's CPU.
 */
function withoutCallerStack<T>(start: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return start();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

const isConnectionLost = (error: unknown): boolean => error instanceof Neo4jError && CONNECTION_LOST.has(error.code);

/** Another process created the same index or constraint between this statement's IF NOT EXISTS check and its creation. */
const isSchemaRuleTaken = (error: unknown): boolean =>
  error instanceof Neo4jError && /^Neo\.ClientError\.Schema\.\w*AlreadyExists$/.test(error.code);

/** Runs a query inside a managed write transaction, counting it as one round trip. */
export interface WriteTx {
  run(cypher: string, params: Params): Promise<Row[]>;
}

/**
 * Open while Neo4j is unreachable: every call fails at once, without a connection attempt, and a
 * background probe closes it again as soon as the server answers.
 */
class Breaker {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  isOpen = false;

  constructor(
    private readonly probe: () => Promise<unknown>,
    private readonly intervalMs: number,
  ) {}

  trip(): void {
    if (this.isOpen || this.stopped) return;
    this.isOpen = true;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.probe().then(
        () => {
          this.isOpen = false;
        },
        () => !this.stopped && this.schedule(),
      );
    }, this.intervalMs);
    this.timer.unref();
  }
}

/**
 * One driver per store: counts round trips, turns connection failures into StoreUnavailableError, and
 * retries on its own terms (the driver's retries would wait 6–8 s for a server that refuses at once):
 * a lost connection is tried again at once on a fresh one, then the breaker opens; transient errors
 * back off and retry for up to maxRetryTimeMs.
 */
export class Neo4jConnection {
  private readonly driver: Driver;
  private readonly database: string;
  private readonly timeout: number;
  private readonly maxRetryTime: number;
  private readonly writeSlots: LimitFunction;
  private readonly breaker: Breaker;
  private trips = 0;
  private tries = 0;
  private closed = false;

  constructor(options: Neo4jDriverOptions) {
    this.database = options.database;
    this.timeout = options.transactionTimeoutMs ?? 15_000;
    this.maxRetryTime = options.maxRetryTimeMs ?? 5_000;
    this.writeSlots = pLimit(options.maxConcurrentWrites ?? 8);
    this.driver = neo4j.driver(options.uri, neo4j.auth.basic(options.user, options.password), {
      disableLosslessIntegers: true,
      connectionTimeout: options.connectionTimeoutMs ?? 5_000,
      connectionAcquisitionTimeout: (options.connectionTimeoutMs ?? 5_000) * 2,
    });
    this.breaker = new Breaker(() => this.once('READ', (tx) => tx.run('RETURN 1')), options.probeIntervalMs ?? 500);
  }

  /** Queries sent, as the caller sees them (one per read, write or transaction). */
  get roundTrips(): number {
    return this.trips;
  }

  /** Transactions begun on the server for callers, retries included; the breaker's probes are not counted. */
  get attempts(): number {
    return this.tries;
  }

  /** True while Neo4j is known to be unreachable: calls fail at once until a probe reaches it. */
  get unreachable(): boolean {
    return this.breaker.isOpen;
  }

  /** With `signal`, an abort ends the query on the server (the session's connection is reset) and the read rejects with its reason. */
  async read(cypher: string, params: Params = {}, signal?: AbortSignal): Promise<Row[]> {
    return rows(await this.query(cypher, params, 'READ', true, signal));
  }

  /** A read that answers no query of a client (statistics for limits), so not counted as a round trip. */
  async readUncounted(cypher: string, params: Params = {}): Promise<Row[]> {
    return rows(await this.query(cypher, params, 'READ', false));
  }

  async write(cypher: string, params: Params = {}): Promise<Row[]> {
    return rows(await this.query(cypher, params, 'WRITE'));
  }

  /** The bookmark a fresh read session ends with: it names the database's last committed transaction. */
  async bookmark(cypher: string): Promise<string> {
    this.countTrip();
    return this.retrying(() =>
      this.inSession('READ', false, async (session) => {
        await this.inTransaction(session, (tx) => tx.run(cypher));
        return session.lastBookmarks().join(' ');
      }),
    );
  }

  /**
   * Runs an idempotent schema statement (IF NOT EXISTS); true when it created an index or constraint, false when it
   * was there already, also when another process (a replica starting beside this one) created it meanwhile.
   */
  async schema(cypher: string): Promise<boolean> {
    try {
      const { counters } = (await this.query(cypher, {}, 'WRITE')).summary;
      return counters.updates().indexesAdded + counters.updates().constraintsAdded > 0;
    } catch (error) {
      if (isSchemaRuleTaken(error)) return false;
      throw error;
    }
  }

  /**
   * Runs `work` as one write transaction (retried as a whole like any other). Writes queue for one of a
   * few slots: writers of the same keys then wait in line here instead of holding every pooled
   * connection while they wait for each other's locks.
   */
  writeTransaction<T>(work: (tx: WriteTx) => Promise<T>): Promise<T> {
    this.ensureOpen();
    return this.writeSlots(() => this.retrying(() => this.once('WRITE', (tx) => work(this.wrap(tx)))));
  }

  close(): Promise<void> {
    this.closed = true;
    this.breaker.stop();
    return this.driver.close();
  }

  private ensureOpen(): void {
    if (this.closed) throw new StoreUnavailableError('neo4j');
  }

  private countTrip(): void {
    this.trips += 1;
    publishRoundTrip();
  }

  private wrap(tx: Transaction): WriteTx {
    return {
      run: async (cypher, params) => {
        this.countTrip();
        return rows(await tx.run(cypher, toParams(params) as Params));
      },
    };
  }

  private query(
    cypher: string,
    params: Params,
    mode: SessionMode,
    counted = true,
    signal?: AbortSignal,
  ): Promise<QueryResult> {
    this.ensureOpen();
    if (counted) this.countTrip();
    if (mode === 'READ')
      return this.retrying(() => this.autoCommit(cypher, toParams(params) as Params, signal), signal);
    return this.retrying(() => this.once(mode, (tx) => tx.run(cypher, toParams(params) as Params)));
  }

  /**
   * One read query as its own (auto-commit) transaction: RUN and PULL go out together and the answer ends it,
   * one exchange with the server where BEGIN, RUN/PULL and COMMIT take two.
   */
  private autoCommit(cypher: string, params: Params, signal?: AbortSignal): Promise<QueryResult> {
    return this.inSession('READ', true, async (session) => {
      if (signal === undefined)
        return await withoutCallerStack(() => session.run(cypher, params, { timeout: this.timeout }));
      signal.throwIfAborted();
      const stop = () => void session.close().catch(() => undefined);
      signal.addEventListener('abort', stop, { once: true });
      try {
        const result = await withoutCallerStack(() => session.run(cypher, params, { timeout: this.timeout }));
        signal.throwIfAborted();
        return result;
      } catch (error) {
        signal.throwIfAborted();
        throw error;
      } finally {
        signal.removeEventListener('abort', stop);
      }
    });
  }

  private async retrying<T>(attempt: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const started = Date.now();
    let backoff = FIRST_BACKOFF_MS;
    let reconnects = 0;
    for (;;) {
      this.ensureOpen();
      signal?.throwIfAborted();
      if (this.breaker.isOpen) {
        // Refusing without any I/O: a caller that retries in a loop would otherwise starve every timer, the probe's too.
        await nextTurn();
        throw new StoreUnavailableError('neo4j');
      }
      this.tries += 1;
      try {
        return await attempt();
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (isConnectionLost(error)) {
          if (reconnects++ < RECONNECTS) continue;
          this.breaker.trip();
          throw this.translate(error);
        }
        if (!neo4j.isRetryableError(error) || Date.now() - started + backoff > this.maxRetryTime)
          throw this.translate(error);
        await sleep(backoff * (0.8 + Math.random() * 0.4));
        backoff *= 2;
      }
    }
  }

  private once<T>(mode: SessionMode, work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.inSession(mode, true, (session) => this.inTransaction(session, work));
  }

  private async inSession<T>(mode: SessionMode, bookmarks: boolean, use: (session: Session) => Promise<T>): Promise<T> {
    const session = this.driver.session({
      database: this.database,
      defaultAccessMode: mode,
      ...(bookmarks ? { bookmarkManager: this.driver.executeQueryBookmarkManager } : {}),
    });
    try {
      return await use(session);
    } finally {
      await session.close().catch(() => undefined);
    }
  }

  private async inTransaction<T>(session: Session, work: (tx: Transaction) => Promise<T>): Promise<T> {
    const tx = session.beginTransaction({ timeout: this.timeout });
    try {
      const result = await work(tx);
      await tx.commit();
      return result;
    } catch (error) {
      if (tx.isOpen()) await tx.rollback().catch(() => undefined);
      throw error;
    }
  }

  private translate(error: unknown): unknown {
    if (isTimeout(error)) return Object.assign(new StoreTimeoutError('neo4j'), { cause: error });
    if (!isUnavailable(error)) return error;
    return Object.assign(new StoreUnavailableError('neo4j'), { cause: error });
  }
}
