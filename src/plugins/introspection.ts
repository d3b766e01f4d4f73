import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { GraphQLError, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { codedError } from './refusals.js';

const noIntrospection: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value !== '__schema' && node.name.value !== '__type') return;
    context.reportError(
      codedError(`Introspection is disabled: ${node.name.value} is not available.`, 'INTROSPECTION_DISABLED'),
    );
  },
});

const SUGGESTION = /\s*Did you mean [^?]*\?/g;

function withoutSuggestion(error: unknown): unknown {
  if (!(error instanceof GraphQLError)) return error;
  error.message = error.message.replace(SUGGESTION, '');
  return error;
}

/**
 * Blocks __schema and __type (INTROSPECTION=false); __typename stays available. Nor does any error name
 * what the schema holds ("Did you mean …"): graphql-armor strips it from validation errors, and the
 * last hook from the rest (variables coerced while executing: "Did you mean the enum value …").
 */
export function useNoIntrospection(): Plugin[] {
  return [
    { onValidate: ({ addValidationRule }) => addValidationRule(noIntrospection) },
    blockFieldSuggestionsPlugin({ mask: '' }) as Plugin,
    {
      onResultProcess: ({ result, setResult }) => {
        if (Array.isArray(result) || Symbol.asyncIterator in result || !result.errors?.length) return;
        setResult({ ...result, errors: result.errors.map(withoutSuggestion) as GraphQLError[] });
      },
    },
  ];
}
