import type { Config } from '../../config/environment.js';
import type { Logger } from '../../logger.js';
import type { DramaStore } from '../../store/port.js';
import type { ChangeSignal } from '../signal.js';
import { WebhookDispatcher } from './dispatcher.js';
import { fileDeliveryState, redisDeliveryState } from './state.js';

/** Starts delivering to the endpoints of WEBHOOKS_FILE, if any: state in Redis when REDIS_URL is set, else in a file. */
export function startWebhooks(
  store: DramaStore,
  config: Config,
  signal: ChangeSignal,
  logger: Logger,
): WebhookDispatcher | undefined {
  const { endpoints, stateFile, redisPrefix, settings } = config.webhooks;
  if (endpoints.length === 0) return undefined;
  const state = config.feed.redisUrl
    ? redisDeliveryState(config.feed.redisUrl, redisPrefix)
    : fileDeliveryState(stateFile!);
  const dispatcher = new WebhookDispatcher(store, endpoints, state, signal, settings, logger);
  dispatcher.start();
  logger.info({ endpoints: endpoints.map((e) => e.id), shared: Boolean(config.feed.redisUrl) }, 'webhooks started');
  return dispatcher;
}
