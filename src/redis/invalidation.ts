import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { SharedRedis } from './connection.js';

/** More series than this in one notice is read as "any series". */
const MAX_NOTICE_SERIES = 10_000;
/** No series key is longer (see the writer's MAX_KEY_LENGTH). */
const MAX_SERIES_KEY = 400;

interface Notice {
  origin: string;
  generation: number;
  series: string[] | null;
}

/** A notice from the channel, or null when it is not one; a malformed series list reads as "any series". */
export function parseNotice(text: string): Notice | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { origin, generation, series } = value as Record<string, unknown>;
  if (typeof origin !== 'string' || !Number.isSafeInteger(generation) || (generation as number) < 0) return null;
  const valid =
    Array.isArray(series) &&
    series.length <= MAX_NOTICE_SERIES &&
    series.every((key) => typeof key === 'string' && key.length <= MAX_SERIES_KEY);
  return { origin, generation: generation as number, series: valid ? [...(series as string[])] : null };
}

/**
 * The write generation every replica shares, and a pub/sub channel that tells the others which series a
 * write touched. The generation is part of every response cache key: a write moves it (INCR in Redis) and
 * the notice moves it on every other replica, so no replica answers from an entry cached before.
 */
export class ReplicaBus {
  readonly origin = randomUUID();
  private current = 0;
  private readonly channel: string;
  private readonly listeners: ((series: readonly string[] | null) => void)[] = [];

  constructor(
    private readonly redis: SharedRedis,
    private readonly logger: Logger,
  ) {
    this.channel = `${redis.prefix}writes`;
    redis.subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.channel) this.received(text);
    });
    // Again on every connection: a subscription asked for while Redis was down may have been dropped.
    const subscribe = () =>
      void redis.subscriber.subscribe(this.channel).catch((error: unknown) => {
        logger.debug({ err: (error as Error).message }, 'could not subscribe to write notices yet');
      });
    subscribe();
    redis.subscriber.on('ready', subscribe);
    redis.onFirstReady(() => void this.load());
    // Notices sent during the outage were lost: every replica forgets what it derived, and moves the generation.
    redis.onRecovered(() => {
      this.notify(null);
      void this.announce(null, true);
    });
  }

  /** The shared write generation as this replica last heard it. */
  generation(): number {
    return this.current;
  }

  /** Called with the series another replica's write touched (null: any), once per notice. */
  onRemoteWrite(listener: (series: readonly string[] | null) => void): void {
    this.listeners.push(listener);
  }

  /** After a write here: moves the shared generation and tells the other replicas. Never throws. */
  async announce(series: readonly string[] | null, reset = false): Promise<void> {
    try {
      const generation = await this.redis.commands.incr('generation');
      this.current = reset ? generation : Math.max(this.current, generation);
      const notice: Notice = { origin: this.origin, generation, series: series === null ? null : [...series] };
      await this.redis.commands.publish(this.channel, JSON.stringify(notice));
    } catch {
      // Redis is down: the outage is logged once by the connection, and its end resets every replica.
    }
  }

  private async load(): Promise<void> {
    try {
      const stored = Number(await this.redis.commands.get('generation'));
      this.current = Number.isSafeInteger(stored) ? stored : 0;
    } catch {
      this.logger.debug('could not read the write generation');
    }
  }

  private received(text: string): void {
    const notice = parseNotice(text);
    if (notice === null) return;
    this.current = Math.max(this.current, notice.generation);
    if (notice.origin !== this.origin) this.notify(notice.series);
  }

  private notify(series: readonly string[] | null): void {
    for (const listener of this.listeners) listener(series);
  }
}
