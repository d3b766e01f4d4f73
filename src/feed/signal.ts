import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

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
 * Through Redis pub/sub (@graphql-yoga/redis-event-target), so a subscriber on any replica hears writes of
 * every other. While Redis is away signals are lost, and subscribers catch up by polling the log.
 */
export function redisSignal(url: string, channel: string, logger: Logger): ChangeSignal {
  const options = { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: false };
  const publishClient = new Redis(url, options);
  const subscribeClient = new Redis(url, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null });
  let warned = false;
  for (const client of [publishClient, subscribeClient]) {
    client.on('error', (error: Error) => {
      if (!warned) logger.warn({ err: error.message }, 'change feed: Redis unreachable; subscribers poll the log');
      warned = true;
    });
    client.on('ready', () => {
      warned = false;
    });
  }
  const quiet = (work: Promise<unknown>) => void work.catch(() => undefined);
  // The event target does not await its calls; an unreachable Redis must not reject unhandled.
  const publisher = { publish: (channel: string, message: string) => quiet(publishClient.publish(channel, message)) };
  const subscriber = {
    on: (event: string, listener: (...args: unknown[]) => void) => subscribeClient.on(event, listener),
    subscribe: (topic: string) => quiet(subscribeClient.subscribe(topic)),
    unsubscribe: (topic: string) => quiet(subscribeClient.unsubscribe(topic)),
  };
  const target = createRedisEventTarget<CustomEvent<number>>({
    publishClient: publisher as unknown as Redis,
    subscribeClient: subscriber as unknown as Redis,
  }) as SignalTarget;
  return new EventTargetSignal(target, channel, async () => {
    publishClient.disconnect();
    subscribeClient.disconnect();
  });
}
