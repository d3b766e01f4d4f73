import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import type { Redis } from 'ioredis';
import type { SharedRedis } from '../redis/connection.js';

/**
 * Tells subscribers that the change log grew. It carries no change: each subscriber reads the log after its
 * own cursor, so a lost or doubled signal loses or repeats nothing (subscribers also poll every while).
 */
export interface ChangeSignal {
  notify(): void;
  /** Calls `listener` on every signal, from any replica sharing the event target; returns the unsubscribe. */
  listen(listener: () => void): () => void;
  close(): Promise<void>;
}

type SignalTarget = ReturnType<typeof createRedisEventTarget<CustomEvent<number>>>;

class EventTargetSignal implements ChangeSignal {
  constructor(
    private readonly target: SignalTarget,
    private readonly topic: string,
    private readonly onClose: () => Promise<void> = async () => undefined,
  ) {}

  notify(): void {
    this.target.dispatchEvent(new CustomEvent(this.topic, { detail: Date.now() }));
  }

  listen(listener: () => void): () => void {
    const handler = () => listener();
    this.target.addEventListener(this.topic, handler);
    return () => this.target.removeEventListener(this.topic, handler);
  }

  close(): Promise<void> {
    return this.onClose();
  }
}

/** Subscribers of this process only. */
export const inProcessSignal = (): ChangeSignal =>
  new EventTargetSignal(new EventTarget() as unknown as SignalTarget, 'changes');

/**
 * Through Redis pub/sub (@graphql-yoga/redis-event-target) on the process's shared connections (see
 * src/redis/connection.ts: fail-fast commands, outages logged once and counted), on the channel
 * `<prefix>changes`, so a subscriber on any replica hears writes of every other. While Redis is away signals
 * are lost, and subscribers catch up by polling the log. Closing it leaves the shared connections open.
 */
export function redisSignal(redis: SharedRedis): ChangeSignal {
  const quiet = (work: Promise<unknown>) => void work.catch(() => undefined);
  // The event target does not await its calls; an unreachable Redis must not reject unhandled. ioredis puts
  // its keyPrefix before keys only, not before channels: the channel is named in full here.
  const publisher = { publish: (channel: string, message: string) => quiet(redis.commands.publish(channel, message)) };
  const subscriber = {
    on: (event: string, listener: (...args: unknown[]) => void) => redis.subscriber.on(event, listener),
    subscribe: (topic: string) => quiet(redis.subscribe(topic)),
    unsubscribe: (topic: string) => quiet(redis.unsubscribe(topic)),
  };
  const target = createRedisEventTarget<CustomEvent<number>>({
    publishClient: publisher as unknown as Redis,
    subscribeClient: subscriber as unknown as Redis,
  }) as SignalTarget;
  return new EventTargetSignal(target, changeChannel(redis.prefix));
}

/** The pub/sub channel of the change signal, under the deployment's key prefix. */
const changeChannel = (prefix: string): string => `${prefix}changes`;
