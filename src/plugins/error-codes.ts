import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const withCode = (error: GraphQLError, code: string) =>
  new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: { ...error.extensions, code },
  });

function codeVariableErrors(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.some((error) => error.extensions?.code === undefined)) return result;
  return {
    ...result,
    errors: result.errors.map((error) =>
      error.extensions?.code === undefined && error.message.startsWith('Variable "$') ? withCode(error, 'BAD_USER_INPUT') : error,
    ),
  };
}

/** graphql-js reports variables it cannot coerce without a code; clients branch on BAD_USER_INPUT. */
export function useVariableErrorCodes(): Plugin {
  return {
    onExecute: () => ({
      onExecuteDone: ({ result, setResult }) => {
        if (!(Symbol.asyncIterator in result)) setResult(codeVariableErrors(result));
      },
    }),
  };
}
