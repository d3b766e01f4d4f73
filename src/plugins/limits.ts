import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { GraphQLError, ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { OpsSettings } from '../config/settings.js';
import { codedError, errorResponse } from './refusals.js';
import { requestAgain } from './request-again.js';

/** graphql-armor reports uncoded "Syntax Error: …"; clients get a message and a code of their own. */
const rejectWith = (code: string) => ({
  exposeLimits: true,
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError) => {
      const coded = codedError(error.message.replace(/^Syntax Error: /, ''), code);
      if (context === null) throw coded;
      context.reportError(coded);
    },
  ],
});

/** Depth, alias and token limits: all checked while parsing and validating, before any resolver runs (cost: see cost.ts). */
export function useOperationLimits({ depth, aliases, tokens }: OpsSettings['limits']): Plugin[] {
  return [
    maxTokensPlugin({ n: tokens, ...rejectWith('TOKEN_LIMIT_EXCEEDED') }),
    maxDepthPlugin({ n: depth, ...rejectWith('DEPTH_LIMIT_EXCEEDED') }),
    // Every alias counts, __typename's too (the plugin leaves those out by default).
    maxAliasesPlugin({ n: aliases, allowList: [], ...rejectWith('ALIAS_LIMIT_EXCEEDED') }),
  ];
}

/** Reads a body of unknown length up to the limit; null when it is longer. */
async function readUpTo(body: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array[] | null> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    size += next.value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(next.value);
  }
  return chunks;
}

/**
 * Refuses request bodies over the limit with 413 before they are parsed; streamed bodies are read only up to it.
 * A body with a Content-Length is not copied: Node's HTTP parser reads exactly that many bytes. This is the only
 * body limit (yoga.ts turns Yoga's own off, which piped every body through a TransformStream).
 */
export function useBodyLimit(limit: number): Plugin {
  const tooLarge = () => errorResponse(413, 'PAYLOAD_TOO_LARGE', `Request bodies are limited to ${limit} bytes.`);
  const cutOff = () =>
    errorResponse(
      400,
      'BAD_REQUEST',
      'The request body ended before it was whole, or its chunked encoding is malformed.',
    );
  return {
    onRequest: async ({ request, setRequest, endResponse, fetchAPI }) => {
      if (request.method !== 'POST' || request.body === null) return;
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (!/^\d+$/.test(declared))
          return endResponse(errorResponse(400, 'BAD_REQUEST', 'Content-Length must be one whole number of bytes.'));
        return Number(declared) > limit ? endResponse(tooLarge()) : undefined;
      }
      let chunks: Uint8Array[] | null;
      try {
        chunks = await readUpTo(request.body, limit);
      } catch {
        // Node's parser gave up on the chunked encoding, or the client went away mid-body: a client's fault, not ours.
        return endResponse(cutOff());
      }
      if (chunks === null) return endResponse(tooLarge());
      setRequest(requestAgain(fetchAPI, request, 'POST', Buffer.concat(chunks)));
    },
  };
}
