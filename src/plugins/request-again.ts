import type { FetchAPI } from 'graphql-yoga';

/**
 * The client's request made again with `method` and `body`: its URL, headers and abort signal go along, so that a
 * client that leaves still stops what its request started.
 */
export function requestAgain(
  fetchAPI: FetchAPI,
  request: Request,
  method: string,
  body?: NonNullable<ConstructorParameters<FetchAPI['Request']>[1]>['body'],
): Request {
  return new fetchAPI.Request(request.url, { method, headers: request.headers, body, signal: request.signal });
}
