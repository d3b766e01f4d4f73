import { type ExecutionResult, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** A request error (GraphQL over HTTP): 400 under application/graphql-response+json, 200 under application/json. */
const REQUEST_ERROR = { status: 400, spec: true };

/** The error with BAD_USER_INPUT when it has no code, and `extensions` added. */
const coded = (error: GraphQLError, extensions: Record<string, unknown> = {}) =>
  new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: { ...error.extensions, code: error.extensions?.code ?? 'BAD_USER_INPUT', ...extensions },
  });

const asRequestError = (error: GraphQLError) => coded(error, { http: REQUEST_ERROR });

const isVariableError = (error: GraphQLError) => error.message.startsWith('Variable "$');

/** graphql-js's error for an argument it could not coerce as execution reached it (a variable's null or default). */
export const isArgumentValueError = (error: unknown): error is GraphQLError =>
  error instanceof GraphQLError && /^Argument "[^"]+" (of|has) /.test(error.message);

/** Such an error that has no code yet. */
const isArgumentError = (error: GraphQLError) => error.extensions?.code === undefined && isArgumentValueError(error);

/**
 * An error of execution that still has no code is the executor's own (graphql-js reports a resolver's broken
 * result so, as "Runtime Object type … is not a possible type"): masked as Yoga masks any unexpected error, so a
 * client never sees an internal message without a code (red team 41 saw one on a mutation).
 */
const masked = (error: GraphQLError) =>
  new GraphQLError('Unexpected error.', {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });

function codedErrors(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.some((error) => error.extensions?.code === undefined)) return result;
  const hasData = 'data' in result && result.data !== undefined;
  return {
    ...result,
    errors: result.errors.map((error) => {
      if (isVariableError(error) && !hasData) return asRequestError(error);
      if (isArgumentError(error)) return hasData ? coded(error) : asRequestError(error);
      if (error.extensions?.code === undefined && !isVariableError(error)) return masked(error);
      return error;
    }),
  };
}

/**
 * graphql-js reports variables it cannot coerce without a code, and Yoga answers them 200 whatever the
 * client accepts; clients branch on BAD_USER_INPUT, and GraphQL over HTTP wants a 400 for them. Any other
 * execution error still without a code is the executor's own, and is masked (see masked).
 */
export function useVariableErrorCodes(): Plugin {
  return {
    onExecute: () => ({
      onExecuteDone: ({ result, setResult }) => {
        if (!(Symbol.asyncIterator in result)) setResult(codedErrors(result));
      },
    }),
    // An argument the executor refuses as it collects the fields (`@skip(if: $v)` with null) ends the execution
    // without onExecuteDone.
    onResultProcess: ({ result, setResult }) => {
      if (Array.isArray(result) || Symbol.asyncIterator in result) return;
      setResult(codedErrors(result as ExecutionResult));
    },
  };
}

const isOperationResolutionFailure = (error: unknown) =>
  error instanceof GraphQLError && error.extensions?.code === 'OPERATION_RESOLUTION_FAILURE';

/**
 * Yoga answers an operationName that names no operation of the document with 400 whatever the client
 * accepts; it is a request error like any other (GraphQL over HTTP: 200 under application/json).
 */
export function useOperationResolutionStatus(): Plugin {
  return {
    onResultProcess: ({ result, setResult }) => {
      if (Array.isArray(result) || Symbol.asyncIterator in result) return;
      const { errors } = result as ExecutionResult;
      if (!errors?.some(isOperationResolutionFailure)) return;
      setResult({
        ...result,
        errors: errors.map((error) => (isOperationResolutionFailure(error) ? asRequestError(error) : error)),
      });
    },
  };
}

/** graphql-js's bare message when a document repeats fields past what it will compare for merging. */
const VALIDATION_ABORTED = 'Validation aborted.';
const TOO_MANY_OVERLAPS =
  'The document repeats the same fields too often to check that they can be merged (graphql-js gives up on ' +
  'such documents): ask for each field once in a selection set, or use aliases for the same field with other arguments.';

/** Says what "Validation aborted." means: clients could not tell what to change in their document. */
export function useValidationAbortMessage(): Plugin {
  return {
    onValidate:
      () =>
      ({ result, setResult }) => {
        if (!result.some((error) => error.message === VALIDATION_ABORTED)) return;
        setResult(
          result.map((error) =>
            error.message === VALIDATION_ABORTED
              ? new GraphQLError(TOO_MANY_OVERLAPS, { extensions: { ...error.extensions } })
              : error,
          ),
        );
      },
  };
}
