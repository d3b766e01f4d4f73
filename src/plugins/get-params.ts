import type { Plugin } from 'graphql-yoga';
import { errorResponse } from '../ops/errors.js';

const JSON_PARAMS = ['variables', 'extensions'] as const;

const parsesAsJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** Yoga parses GET's `variables` and `extensions` with a bare JSON.parse and answers 500 when they are not JSON. */
export function useGetParamsCheck(): Plugin {
  return {
    onRequest: ({ request, url, endResponse }) => {
      if (request.method !== 'GET') return;
      const invalid = JSON_PARAMS.find((name) => {
        const value = url.searchParams.get(name);
        return value !== null && !parsesAsJson(value);
      });
      if (invalid) endResponse(errorResponse(400, 'BAD_REQUEST', `The "${invalid}" parameter is not valid JSON.`));
    },
  };
}
