import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../logger.js';
import { errorResponse } from './refusals.js';

const internalError = () => errorResponse(500, 'INTERNAL_SERVER_ERROR', 'Unexpected error.');

function guard<P>(hook: ((payload: P) => unknown) | undefined, recover: (payload: P, error: unknown) => void) {
  if (hook === undefined) return undefined;
  return (payload: P) => {
    try {
      const result = hook(payload);
      return result instanceof Promise ? result.catch((error: unknown) => recover(payload, error)) : result;
    } catch (error) {
      recover(payload, error);
    }
  };
}

// biome-ignore lint/suspicious/noExplicitAny: the plugins wrapped here each have their own context type
type AnyPlugin = Plugin<any>;

/**
 * Outside GraphQL, Yoga's server adapter answers an error thrown by a plugin's onRequest or onResponse with
 * a 500 that carries the stack. These hooks answer a coded 500 instead, and log the error.
 */
export function guarded(plugins: readonly AnyPlugin[], logger: Logger): AnyPlugin[] {
  const report = (where: string, request: Request, error: unknown) =>
    logger.error(
      { err: error, path: new URL(request.url).pathname, method: request.method },
      `unexpected error in ${where}`,
    );
  return plugins.map((plugin) => {
    if (!plugin.onRequest && !plugin.onResponse) return plugin;
    return {
      ...plugin,
      onRequest: guard(plugin.onRequest, (payload, error) => {
        report('onRequest', payload.request, error);
        payload.endResponse(internalError());
      }),
      onResponse: guard(plugin.onResponse, (payload, error) => {
        report('onResponse', payload.request, error);
        payload.setResponse(internalError());
      }),
    } as AnyPlugin;
  });
}
