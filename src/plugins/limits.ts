import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { GraphQLError, ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { codedError, errorResponse } from '../ops/errors.js';
import type { OpsSettings } from '../ops/settings.js';

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

/** Depth, alias, token and cost limits: all checked while parsing and validating, before any resolver runs. */
export function useOperationLimits({ depth, aliases, tokens, cost }: OpsSettings['limits']): Plugin[] {
  return [
    maxTokensPlugin({ n: tokens, ...rejectWith('TOKEN_LIMIT_EXCEEDED') }),
    maxDepthPlugin({ n: depth, ...rejectWith('DEPTH_LIMIT_EXCEEDED') }),
    maxAliasesPlugin({ n: aliases, ...rejectWith('ALIAS_LIMIT_EXCEEDED') }),
    costLimitPlugin({ maxCost: cost, ...rejectWith('COST_LIMIT_EXCEEDED') }),
  ];
}

async function exceeds(request: Request, limit: number): Promise<boolean> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared)) return declared > limit;
  const reader = request.clone().body?.getReader();
  let size = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) return false;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return true;
    }
  }
  return false;
}

/** Refuses request bodies over the limit with 413 before they are parsed. */
export function useBodyLimit(limit: number): Plugin {
  return {
    onRequest: async ({ request, endResponse }) => {
      if (request.method !== 'POST' || !(await exceeds(request, limit))) return;
      endResponse(errorResponse(413, 'PAYLOAD_TOO_LARGE', `Request bodies are limited to ${limit} bytes.`));
    },
  };
}
