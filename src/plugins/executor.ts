import { useEngine } from '@envelop/core';
import { useGraphQlJit } from '@envelop/graphql-jit';
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  execute,
  GraphQLError,
  getOperationAST,
  Kind,
  type Source,
  visit,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';
import type { Plugin } from 'graphql-yoga';
import type { ExecutorName } from '../config/settings.js';
import type { Logger } from '../logger.js';
import { documentTokens } from './document-cache.js';

const answeredOtherwise = new WeakMap<DocumentNode, boolean>();

/**
 * Whether graphql-jit would answer the document otherwise than graphql-js. It answers a field named after a
 * fragment in a selection set (`{ ... on Character { name } __typename }`, as Apollo Client and urql print every
 * query with fragments) before the fragment's fields; and it writes an argument's literal into its compiled code
 * as a JavaScript object literal, where a `__proto__` key sets the object's prototype instead of being a key; and
 * for the same reason it leaves out of the answer a field aliased `__proto__`.
 */
function jitAnswersOtherwise(document: DocumentNode): boolean {
  let found = answeredOtherwise.get(document);
  if (found === undefined) {
    found = false;
    visit(document, {
      SelectionSet(node) {
        const firstFragment = node.selections.findIndex((selection) => selection.kind !== Kind.FIELD);
        if (
          firstFragment >= 0 &&
          node.selections.slice(firstFragment).some((selection) => selection.kind === Kind.FIELD)
        )
          found = true;
      },
      ObjectField(node) {
        if (node.name.value === '__proto__') found = true;
      },
      Field(node) {
        if ((node.alias ?? node.name).value === '__proto__') found = true;
      },
    });
    answeredOtherwise.set(document, found);
  }
  return found;
}

/**
 * Whether graphql-jit may run it: a query or mutation, in a document of one operation (@envelop/graphql-jit
 * keeps one compiled operation per document, whatever operationName asks for), that graphql-js would start
 * executing, and that it answers as graphql-js does. Subscriptions stay with graphql-js: graphql-jit 0.8 passes the variables, not the field's
 * arguments, to a subscription field's subscribe.
 */
function runnable({ schema, document, operationName, variableValues }: ExecutionArgs): boolean {
  if (document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION).length !== 1)
    return false;
  if (jitAnswersOtherwise(document)) return false;
  const operation = getOperationAST(document, operationName);
  if (!operation || operation.operation === 'subscription') return false;
  return !('errors' in getVariableValues(schema, operation.variableDefinitions ?? [], variableValues ?? {}));
}

function offsetOf(body: string, line: number, column: number): number {
  let offset = 0;
  for (let current = 1; current < line; current += 1) {
    const next = body.slice(offset).search(/\r\n|[\n\r]/);
    if (next < 0) break;
    offset += next + (body.startsWith('\r\n', offset + next) ? 2 : 1);
  }
  return offset + column - 1;
}

/** graphql-jit's errors carry line and column but no source positions, which Yoga needs to print `locations`. */
function located(error: GraphQLError, source: Source | undefined): GraphQLError {
  if (error.nodes !== undefined || !error.locations?.length || source === undefined) return error;
  return new GraphQLError(error.message, {
    source,
    positions: error.locations.map(({ line, column }) => offsetOf(source.body, line, column)),
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions: error.extensions,
  });
}

/** Shapes compiled results as graphql-js does: errors (with their locations) before data. */
function useGraphQlJsResultShape(): Plugin {
  return {
    onExecute: ({ args }) => ({
      onExecuteDone({ result, setResult }) {
        if (Symbol.asyncIterator in result || !result.errors?.length) return;
        const { errors, data, extensions } = result as ExecutionResult;
        const source = args.document.loc?.source;
        // No data key when there was none: Yoga answers a result without one as a request error (400).
        setResult({
          errors: errors!.map((error) => located(error, source)),
          ...('data' in result ? { data } : {}),
          ...(extensions ? { extensions } : {}),
        });
      },
    }),
  };
}

/**
 * The executor. graphql-js's keeps response keys in the order the query asks for them; 'jit' then
 * swaps in graphql-jit, which compiles each parsed document once (documents come from Yoga's parse
 * cache, so a repeated query reuses its compiled code) and answers the same. Requests graphql-js would
 * refuse before executing (no such operation, bad variables), documents of several operations and documents
 * with a field after a fragment stay with graphql-js, so their errors read exactly as before. These come first so that the response cache wraps them rather than being replaced.
 */
export function useExecutor(executor: ExecutorName, jitMaxTokens: number, logger: Logger): Plugin[] {
  const engine = useEngine({ execute }) as Plugin;
  if (executor === 'graphql-js') return [engine];
  const onError = (result: unknown) => logger.debug({ result }, 'graphql-jit could not compile a document');
  const compiled = compiledDocuments(jitMaxTokens);
  const enableIf = (args: ExecutionArgs) => runnable(args) && compiled.admit(args.document);
  return [engine, useGraphQlJit({}, { onError, enableIf }) as Plugin, useGraphQlJsResultShape()];
}

/**
 * Which documents graphql-jit compiles: one seen for the second time, while the compiled ones alive hold at
 * most `maxTokens` tokens with it (a compiled document lives as long as the parse cache keeps it). Compiled code
 * grows with a document's tokens, 2 to 5 KB each (a series page of 9 aliases, 560 tokens, took up to 2.6 MB), so the
 * parse cache's bounds do not bound it. Every other document runs on graphql-js, which answers the same, so a
 * stream of distinct documents cannot fill the heap with compiled code.
 */
export function compiledDocuments(maxTokens: number) {
  const seen = new WeakSet<DocumentNode>();
  const admitted = new WeakSet<DocumentNode>();
  let alive = 0;
  const released = new FinalizationRegistry<number>((tokens) => {
    alive -= tokens;
  });
  return {
    admit(document: DocumentNode): boolean {
      if (admitted.has(document)) return true;
      if (!seen.has(document)) {
        seen.add(document);
        return false;
      }
      const tokens = documentTokens(document);
      if (alive + tokens > maxTokens) return false;
      admitted.add(document);
      alive += tokens;
      released.register(document, tokens);
      return true;
    },
    /** Tokens of the compiled documents alive. */
    alive: () => alive,
  };
}
