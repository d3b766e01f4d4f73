import { GraphQLError } from 'graphql';
import type { Logger } from '../logger.js';
import type { DramaStore } from '../store/port.js';
import { catalogueOf } from './recommendations.js';

/**
 * Builds the catalogue's recommendation profiles in the background, so the first request that ranks
 * finds them built (or joins the build). A failure is only logged: that request builds them again.
 */
export function warmRecommendations(store: DramaStore, logger: Logger): Promise<void> {
  const started = performance.now();
  return catalogueOf(store).then(
    (snapshot) =>
      logger.info(
        { series: snapshot.entries.length, ms: Math.round(performance.now() - started) },
        'recommendation profiles built',
      ),
    (error: unknown) =>
      logger.warn(
        // A coded error (the store unavailable) is expected here: its code and message, without a stack.
        error instanceof GraphQLError && typeof error.extensions.code === 'string'
          ? { code: error.extensions.code, detail: error.message }
          : { err: error },
        'recommendation profiles could not be built at start; the first request will build them',
      ),
  );
}
