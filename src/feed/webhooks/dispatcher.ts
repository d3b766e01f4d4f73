import { createHmac, randomUUID } from 'node:crypto';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { CHANGE_TYPE_OF, type ChangeEntry, cursorProblem } from '../../domain/change-log.js';
import { COLLECTION_FACTS } from '../../domain/collections.js';
import type { Logger } from '../../logger.js';
import { changeCursor } from '../../reads/changes.js';
import type { DramaStore } from '../../store/port.js';
import type { ChangeSignal } from '../signal.js';
import type { WebhookEndpoint } from './config.js';
import type { DeliveryState, EndpointStatus } from './state.js';

export interface WebhookSettings {
  /** Consecutive failed attempts after which an endpoint is marked failing (it is still retried). */
  maxFailures: number;
  /** The first retry's delay; each further one doubles, up to maxBackoffMs, with ±50 % jitter. */
  backoffMs: number;
  maxBackoffMs: number;
  /** How long one delivery may take before it counts as failed. */
  timeoutMs: number;
  /** How long a replica's hold on an endpoint lasts without renewal (another takes over after a crash). */
  leaseMs: number;
  /** How often to look at the log without a signal. */
  pollMs: number;
}

const READ_SIZE = 100;

/** The JSON body of a delivery: the change as the GraphQL Change type shows it. */
function deliveryBody(change: ChangeEntry): string {
  const nodeType = COLLECTION_FACTS[change.collection].nodeType;
  return JSON.stringify({
    cursor: changeCursor(change.cursor),
    at: new Date(change.at).toISOString(),
    operation: change.operation,
    type: CHANGE_TYPE_OF[change.collection],
    key: change.key,
    id: nodeType === null ? null : encodeGlobalID(nodeType, change.key),
    series: change.series,
    actor: change.actor,
  });
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the endpoint's secret>` (see docs/webhooks.md). */
export function signature(secret: string, body: string, seconds: number): string {
  const mac = createHmac('sha256', secret).update(`${seconds}.${body}`).digest('hex');
  return `t=${seconds},v1=${mac}`;
}

/**
 * Delivers every logged change to each endpoint of WEBHOOKS_FILE that wants it, in cursor order, at least
 * once: the delivered cursor is saved after the endpoint acknowledges, so after a crash delivery resumes
 * from the log. One replica at a time holds an endpoint's lease; when it dies, another takes over once
 * the lease runs out.
 */
export class WebhookDispatcher {
  private stopped = false;
  private readonly owner = randomUUID();
  private readonly runs: Promise<void>[] = [];
  private readonly local = new Map<string, EndpointStatus>();
  private readonly wakeAll = new Set<() => void>();
  private readonly onStop = new Set<() => void>();
  private unlisten: () => void = () => undefined;

  constructor(
    private readonly store: DramaStore,
    readonly endpoints: readonly WebhookEndpoint[],
    private readonly state: DeliveryState,
    private readonly signal: ChangeSignal,
    private readonly settings: WebhookSettings,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.unlisten = this.signal.listen(() => {
      for (const wake of this.wakeAll) wake();
    });
    for (const endpoint of this.endpoints) this.runs.push(this.run(endpoint));
  }

  /** Each endpoint's status as last saved by whichever replica delivers to it (this one's when the state is unreachable). */
  async statuses(): Promise<(EndpointStatus & { id: string; url: string })[]> {
    return Promise.all(
      this.endpoints.map(async ({ id, url }) => {
        const saved = await this.state.status(id).catch(() => null);
        return { id, url, ...(saved ?? this.local.get(id) ?? fresh()) };
      }),
    );
  }

  /** What this replica knows, without waiting on shared state (for /metrics). */
  localStatuses(): (EndpointStatus & { id: string })[] {
    return this.endpoints.map(({ id }) => ({ id, ...(this.local.get(id) ?? fresh()) }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unlisten();
    for (const wake of [...this.wakeAll, ...this.onStop]) wake();
    await Promise.all(this.runs);
    await Promise.all(this.endpoints.map((e) => this.state.release(e.id, this.owner).catch(() => undefined)));
    await this.state.close();
  }

  private async run(endpoint: WebhookEndpoint): Promise<void> {
    let paused = false;
    while (!this.stopped) {
      try {
        if (!(await this.state.lease(endpoint.id, this.owner, this.settings.leaseMs))) {
          await this.pause(this.settings.leaseMs / 4);
          continue;
        }
        if (paused) this.logger.info({ endpoint: endpoint.id }, 'webhook delivery resumed');
        paused = false;
        await this.deliverWhileLeased(endpoint);
      } catch (error) {
        // Once per outage, not once per poll.
        if (!paused)
          this.logger.warn({ endpoint: endpoint.id, err: (error as Error).message }, 'webhook delivery paused');
        paused = true;
        await this.pause(this.settings.pollMs);
      }
    }
  }

  /** Delivers until the lease is lost or the dispatcher stops, renewing the lease as it goes. */
  private async deliverWhileLeased(endpoint: WebhookEndpoint): Promise<void> {
    let status = (await this.state.status(endpoint.id)) ?? fresh();
    if (status.deliveredCursor === null) {
      // A new endpoint gets the changes from now on.
      status = { ...status, deliveredCursor: (await this.store.changeLogBounds()).latest };
      await this.state.saveStatus(endpoint.id, status);
    }
    this.local.set(endpoint.id, status);
    let leasedAt = Date.now();
    const renew = async () => {
      if (Date.now() - leasedAt < this.settings.leaseMs / 3) return true;
      leasedAt = Date.now();
      return this.state.lease(endpoint.id, this.owner, this.settings.leaseMs);
    };
    while (!this.stopped) {
      if (!(await renew())) return;
      let after = status.deliveredCursor!;
      const page = await this.store.changesAfter({
        after,
        first: READ_SIZE,
        series: endpoint.series,
        collections: endpoint.collections,
      });
      if (cursorProblem(after, page.bounds) !== null) {
        const skipTo = (page.bounds.oldest ?? page.bounds.latest + 1) - 1;
        this.logger.error(
          { endpoint: endpoint.id, from: after, to: skipTo },
          'webhook endpoint fell behind the change log retention; changes in between were not delivered',
        );
        status = { ...status, deliveredCursor: skipTo };
        await this.state.saveStatus(endpoint.id, status);
        continue;
      }
      for (const change of page.items) {
        status = await this.deliverOne(endpoint, change, status, renew);
        if (this.stopped || status.deliveredCursor !== change.cursor || !(await renew())) return;
        after = change.cursor;
      }
      if (page.items.length === 0 && page.through > after) {
        status = { ...status, deliveredCursor: page.through };
        await this.state.saveStatus(endpoint.id, status);
      }
      if (!page.hasNextPage) await this.waitForChanges();
    }
  }

  /** Posts one change until the endpoint acknowledges it (or the lease is lost, or the dispatcher stops). */
  private async deliverOne(
    endpoint: WebhookEndpoint,
    change: ChangeEntry,
    before: EndpointStatus,
    renew: () => Promise<boolean>,
  ): Promise<EndpointStatus> {
    let status = before;
    const body = deliveryBody(change);
    while (!this.stopped) {
      const error = await this.post(endpoint, change, body);
      if (error === null) {
        status = {
          deliveredCursor: change.cursor,
          consecutiveFailures: 0,
          failing: false,
          lastError: status.lastError,
          lastSuccessAt: Date.now(),
        };
        this.local.set(endpoint.id, status);
        await this.state.saveStatus(endpoint.id, status);
        return status;
      }
      const failures = status.consecutiveFailures + 1;
      status = {
        ...status,
        consecutiveFailures: failures,
        failing: failures >= this.settings.maxFailures,
        lastError: error,
      };
      this.local.set(endpoint.id, status);
      await this.state.saveStatus(endpoint.id, status).catch(() => undefined);
      if (failures === this.settings.maxFailures)
        this.logger.error({ endpoint: endpoint.id, failures, error }, 'webhook endpoint marked failing');
      const delay = Math.min(this.settings.backoffMs * 2 ** (failures - 1), this.settings.maxBackoffMs);
      await this.pause(delay * (0.5 + Math.random()));
      if (!(await renew())) return status;
    }
    return status;
  }

  /** null when the endpoint answered 2xx; else what went wrong, in one line. */
  private async post(endpoint: WebhookEndpoint, change: ChangeEntry, body: string): Promise<string | null> {
    const cursor = changeCursor(change.cursor);
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'drama-graph-webhooks',
          'x-drama-signature': signature(endpoint.secret, body, Math.floor(Date.now() / 1000)),
          'x-drama-delivery': cursor,
          'idempotency-key': cursor,
        },
        body,
      });
      await response.body?.cancel().catch(() => undefined);
      return response.ok ? null : `HTTP ${response.status}`;
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return `${(error as Error).name}: ${cause ?? (error as Error).message}`.slice(0, 200);
    }
  }

  /** Waits `ms`, or less when the dispatcher stops. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.onStop.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.onStop.add(done);
      if (this.stopped) done();
    });
  }

  private waitForChanges(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeAll.delete(done);
        resolve();
      };
      const timer = setTimeout(done, this.settings.pollMs);
      this.wakeAll.add(done);
      if (this.stopped) done();
    });
  }
}

const fresh = (): EndpointStatus => ({
  deliveredCursor: null,
  consecutiveFailures: 0,
  failing: false,
  lastError: null,
  lastSuccessAt: null,
});
