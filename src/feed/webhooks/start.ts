import type { Config } from '../../config/environment.js';
import type { Logger } from '../../logger.js';
import type { SharedRedis } from '../../redis/connection.js';
import type { DramaStore } from '../../store/port.js';
import type { ChangeSignal } from '../signal.js';
import { WebhookDispatcher } from './dispatcher.js';
import { fileDeliveryState, redisDeliveryState } from './state.js';

/**
 * Starts delivering to the endpoints of WEBHOOKS_FILE, if any: state in Redis (on the process's shared
 * connection) when REDIS_URL is set, else in a file.
 */
export function startWebhooks(
  store: DramaStore,
  config: Config,
  signal: ChangeSignal,
  logger: Logger,
  redis?: SharedRedis,
): WebhookDispatcher | undefined {
  const { endpoints, stateFile, settings } = config.webhooks;
  if (endpoints.length === 0) return undefined;
  const state = redis ? redisDeliveryState(redis) : fileDeliveryState(stateFile!);
  const dispatcher = new WebhookDispatcher(store, endpoints, state, signal, settings, logger);
  dispatcher.start();
  logger.info({ endpoints: endpoints.map((e) => e.id), shared: Boolean(redis) }, 'webhooks started');
  return dispatcher;
}
