import type { GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { GraphQLError, getOperationAST, getVariableValues } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { type Context, withProgress } from '../context.js';
import { progressFromHeader, progressFromOperation, toProgress, WATCHED_THROUGH_HEADER } from '../spoilers/progress.js';

/** The variables as execution sees them (defaults filled in); a variable that does not coerce is refused as execution would refuse it. */
function variablesWithDefaults(
  args: { schema: GraphQLSchema; variableValues?: Record<string, unknown> | null },
  operation: OperationDefinitionNode,
): Record<string, unknown> {
  const { coerced, errors } = getVariableValues(
    args.schema,
    operation.variableDefinitions ?? [],
    args.variableValues ?? {},
    { maxErrors: 1 },
  );
  if (errors !== undefined)
    throw new GraphQLError(errors[0]!.message, { nodes: errors[0]!.nodes, extensions: { code: 'BAD_USER_INPUT' } });
  return coerced;
}

/**
 * A bad progress is known before execution, so it is a request error: 400 under application/graphql-response+json,
 * 200 under application/json, as Yoga answers a validation error (`spec`). A subscription keeps it as its first event.
 */
const asRequestError = (error: GraphQLError): GraphQLError =>
  new GraphQLError(error.message, {
    extensions: { ...error.extensions, http: { status: 400, spec: true } },
  });

/**
 * Reads the viewer's progress (X-Watched-Through header, @watchedThrough on the operation) once the
 * operation is known, and gives the request loaders that hide what comes later. Bad values stop the
 * request with BAD_USER_INPUT before anything is resolved.
 */
export function useWatchedThrough(): Plugin<Context> {
  type Hook = NonNullable<Plugin<Context>['onExecute']> & NonNullable<Plugin<Context>['onSubscribe']>;
  const hook = (subscribing: boolean) =>
    (({ args, extendContext, setResultAndStopExecution }) => {
      const context = args.contextValue;
      try {
        const operation = getOperationAST(args.document, args.operationName);
        const entries = [
          ...progressFromHeader(context.request.headers.get(WATCHED_THROUGH_HEADER)),
          ...(operation == null ? [] : progressFromOperation(operation, () => variablesWithDefaults(args, operation))),
        ];
        if (entries.length > 0)
          extendContext(withProgress(context, context.store, toProgress(entries), context.loaderMode, context.client));
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        setResultAndStopExecution({ errors: [subscribing ? error : asRequestError(error)] });
      }
    }) as Hook;
  return { onExecute: hook(false), onSubscribe: hook(true) };
}
