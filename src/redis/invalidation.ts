import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import { type SharedRedis, timedOut } from './connection.js';

/**
 * INCR of the generation, but never to one the replica has met (ARGV[1] is the highest it knows): a key that was
 * lost (deleted, evicted) counts from 1 again, and keys made of a generation met before would find answers
 * cached before this write, in this replica and in every other that knew no more than it.
 */
const MOVE = `local n = redis.call('INCR', KEYS[1])
local known = tonumber(ARGV[1])
if n <= known then
  n = known + 1
  redis.call('SET', KEYS[1], n)
end
if n > tonumber(ARGV[2]) then
  return redis.error_reply('ERR the write generation is out of range')
end
return n`;
/**
 * No generation is larger: a larger one is garbage (a counter moved once per write never gets there), and near
 * 2^53 a move would no longer change it (Lua's numbers and JavaScript's are doubles).
 */
const MAX_GENERATION = 2 ** 48;
/** Between attempts to subscribe to write notices that Redis refused (an ACL without the channel). */
const SUBSCRIBE_RETRY_MS = 2_000;
/** More series than this in one notice is read as "any series". */
const MAX_NOTICE_SERIES = 10_000;
/** No series key is longer (see the writer's MAX_KEY_LENGTH). */
const MAX_SERIES_KEY = 400;
/** Between attempts to move a generation that Redis did not take (paused, full, slow), growing to the most. */
const FIRST_RETRY_MS = 250;
const MOST_RETRY_MS = 2_000;

interface Notice {
  origin: string;
  generation: number;
  series: string[] | null;
  /** False when the write could not move the generation: every replica stops reading the shared cache until it moves. */
  moved: boolean;
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
  const { origin, generation, series, moved } = value as Record<string, unknown>;
  if (typeof origin !== 'string' || !Number.isSafeInteger(generation)) return null;
  if ((generation as number) < 0 || (generation as number) > MAX_GENERATION) return null;
  const valid =
    Array.isArray(series) &&
    series.length <= MAX_NOTICE_SERIES &&
    series.every((key) => typeof key === 'string' && key.length <= MAX_SERIES_KEY);
  // Without `moved` (a replica of an earlier version) it moved; any value but true reads as not moved: a doubtful
  // notice costs cache hits, never a stale answer.
  const own = Object.hasOwn(value, 'moved');
  return {
    origin,
    generation: generation as number,
    series: valid ? [...(series as string[])] : null,
    moved: !own || moved === true,
  };
}

/**
 * The write generation every replica shares, and a pub/sub channel that tells the others which series a
 * write touched. The generation is part of every response cache key: a write moves it (INCR in Redis) and
 * the notice moves it on every other replica, so no replica answers from an entry cached before.
 *
 * A write whose move Redis does not take (paused, out of memory, no answer in time) leaves the generation
 * unmoved: this replica stops reading the shared cache at once (see `unmoved`) and tries again until a move
 * made after it succeeds; a notice tells the other replicas to do the same, and those it does not reach find
 * the write by the store's data version (see watchDataVersion), whose clear() lands here too. A replica that
 * starts moves the generation before it reads or keeps a shared answer: a write made before it started may not
 * have moved it, and the process that knew may be gone (restarted while Redis was full).
 */
export class ReplicaBus {
  readonly origin = randomUUID();
  private current = 0;
  private readonly channel: string;
  private readonly listeners: ((series: readonly string[] | null) => void)[] = [];
  /** Moves asked for, in order, and those still under way. */
  private asked = 0;
  private readonly underWay = new Set<number>();
  /** While a write may not have moved the generation: only a move asked for after this one covers it. */
  private coverAfter: number | null = 0;
  /** Whether a move of this replica has succeeded yet, and whether it said that a move failed. */
  private moved = false;
  private warned = false;
  /** Whether this replica is subscribed to notices now, whether it ever was, and whether Redis refused it. */
  private subscribed = false;
  private heard = false;
  private refused = false;
  private retry: NodeJS.Timeout | null = null;
  private retryMs = FIRST_RETRY_MS;

  constructor(
    private readonly redis: SharedRedis,
    private readonly logger: Logger,
  ) {
    this.channel = `${redis.prefix}writes`;
    redis.subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.channel) this.received(text);
    });
    // Again on every connection: a subscription asked for while Redis was down may have been dropped.
    // Once subscribed, the generation is read: notices published before the subscription held were not heard.
    // Until then (and while the connection is away) the shared cache is passed by: a write would go unheard.
    // It renews its own subscription (not through redis.subscribe), as it reads the generation after each.
    let resubscribing: NodeJS.Timeout | null = null;
    const subscribe = () =>
      void redis.subscriber.subscribe(this.channel).then(
        () => {
          const missed = this.heard && !this.subscribed;
          this.heard = true;
          if (this.refused) logger.info('Subscribed to write notices again: the shared response cache is in use');
          this.refused = false;
          this.subscribed = true;
          void this.catchUp();
          // Notices sent meanwhile were lost: what was derived from the data may have missed a write.
          if (missed) this.notify(null);
        },
        (error: unknown) => {
          if (redis.up() && !this.refused) {
            this.refused = true;
            logger.warn(
              { err: (error as Error).message },
              'Redis refuses the subscription to write notices: the shared response cache is bypassed until it takes it',
            );
          }
          resubscribing ??= setTimeout(() => {
            resubscribing = null;
            subscribe();
          }, SUBSCRIBE_RETRY_MS);
          resubscribing.unref();
        },
      );
    subscribe();
    redis.subscriber.on('ready', subscribe);
    redis.subscriber.on('close', () => {
      this.subscribed = false;
    });
    redis.onFirstReady(() => void this.announce([]));
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

  /**
   * Whether a write this replica knows of may not have moved the generation yet: one under way, or one Redis did
   * not take and no later move has covered. Meanwhile the shared cache is neither read nor written.
   */
  unmoved(): boolean {
    return this.underWay.size > 0 || this.coverAfter !== null;
  }

  /** Whether this replica may not hear other replicas' write notices: not subscribed (yet, or any more). */
  deaf(): boolean {
    return !this.subscribed;
  }

  /** Called with the series another replica's write touched (null: any), once per notice. */
  onRemoteWrite(listener: (series: readonly string[] | null) => void): void {
    this.listeners.push(listener);
  }

  /**
   * After a write here: moves the shared generation and tells the other replicas. Never throws. During an outage
   * it does not wait for Redis: the move is sent all the same, and Redis runs it as soon as it is back (within the
   * command timeout); else the outage's end moves the generation, after every write made meanwhile.
   */
  async announce(series: readonly string[] | null, reset = false): Promise<void> {
    const move = ++this.asked;
    if (this.redis.up()) return this.move(move, series, reset);
    // Sent after the write, this move covers it when it succeeds; until then the write is outstanding.
    this.stuck(move - 1);
    void this.move(move, series, reset);
  }

  private async move(move: number, series: readonly string[] | null, reset: boolean): Promise<void> {
    this.underWay.add(move);
    let generation: number;
    try {
      generation = Number(await this.redis.commands.eval(MOVE, 1, 'generation', this.current, MAX_GENERATION));
    } catch (error) {
      this.redis.reportFailure(error);
      this.underWay.delete(move);
      this.stuck(move);
      // A Redis that refuses writes still carries the notice; one that does not answer would hold it as long. A
      // retry or an outage's end (no series) carries no write: the write's own failure told the others.
      if (timedOut(error) || series === null) return;
      return this.publish({ origin: this.origin, generation: this.current, series: null, moved: false });
    }
    this.underWay.delete(move);
    this.current = reset ? generation : Math.max(this.current, generation);
    // A move asked for after the failed one ran after it in Redis, and so after its write.
    if (this.coverAfter !== null && move > this.coverAfter) {
      if (this.moved || this.warned) this.recovered();
      else this.coverAfter = null;
    }
    this.moved = true;
    await this.publish({ origin: this.origin, generation, series: series === null ? null : [...series], moved: true });
  }

  private async catchUp(): Promise<void> {
    try {
      const stored = Number(await this.redis.commands.get('generation'));
      if (Number.isSafeInteger(stored) && stored <= MAX_GENERATION) this.current = Math.max(this.current, stored);
    } catch (error) {
      this.redis.reportFailure(error);
    }
  }

  private async publish(notice: Notice): Promise<void> {
    try {
      await this.redis.commands.publish(this.channel, JSON.stringify(notice));
    } catch {
      // Paused or down: the others find the write by the store's data version, or at the outage's end.
    }
  }

  /** A write may not have moved the generation: stop using the shared cache, and move it again until it moves. */
  private stuck(move: number): void {
    // During an outage the connection has said so already, and its end moves the generation.
    if (!this.warned && this.redis.up()) {
      this.warned = true;
      this.logger.warn(
        'A write could not move the shared write generation in Redis: the shared response cache is bypassed until it does',
      );
    }
    this.coverAfter = Math.max(this.coverAfter ?? 0, move);
    if (this.retry !== null) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.retryMs = Math.min(this.retryMs * 2, MOST_RETRY_MS);
      void this.announce(null);
    }, this.retryMs);
    this.retry.unref();
  }

  /** The generation moved past every write that failed to: what was derived meanwhile may have missed a notice. */
  private recovered(): void {
    this.coverAfter = null;
    this.retryMs = FIRST_RETRY_MS;
    if (this.retry !== null) clearTimeout(this.retry);
    this.retry = null;
    if (this.warned) this.logger.info('The shared write generation moved again: the shared response cache is in use');
    this.warned = false;
    this.notify(null);
  }

  private received(text: string): void {
    const notice = parseNotice(text);
    if (notice === null) return;
    this.current = Math.max(this.current, notice.generation);
    if (notice.origin === this.origin) return;
    // Any move this replica asks for from now on runs after that write.
    if (!notice.moved) this.stuck(this.asked);
    this.notify(notice.series);
  }

  private notify(series: readonly string[] | null): void {
    for (const listener of this.listeners) listener(series);
  }
}
