import { validateHeaderName, validateHeaderValue } from 'node:http';
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

/**
 * Last of all: Node refuses to send a header value outside Latin-1 or with control characters, which the Fetch
 * Headers here accept, and Yoga's Node adapter then leaves the request unanswered until the client gives up.
 * Such an answer becomes a coded 500, and the header is logged by name.
 */
export function useSendableHeaders(logger: Logger): Plugin {
  return {
    onResponse: ({ request, response, setResponse }) => {
      for (const [name, value] of response.headers) {
        try {
          validateHeaderName(name);
          validateHeaderValue(name, value);
        } catch (error) {
          logger.error(
            { err: error, header: name, path: new URL(request.url).pathname, method: request.method },
            'unsendable response header',
          );
          setResponse(internalError());
          return;
        }
      }
    },
  };
}
