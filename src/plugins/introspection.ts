import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { codedError } from './refusals.js';

// graphql-js's NoSchemaIntrospectionCustomRule, which the Yoga plugin adds, refuses every field of an
// introspection type: __schema and __type, and again each field selected inside them.
const REFUSED = /^GraphQL introspection has been disabled, but the requested query contained the field "(\w+)"\.$/;

/** One INTROSPECTION_DISABLED per __schema or __type, as clients know it; the refusals nested in them are dropped. */
const codeRefusals: Plugin = {
  onValidate:
    () =>
    ({ result, setResult }) => {
      const refused = (error: Error) => REFUSED.exec(error.message)?.[1];
      if (!result.some(refused)) return;
      setResult(
        result.flatMap((error) => {
          const field = refused(error);
          if (!field) return [error];
          if (field !== '__schema' && field !== '__type') return [];
          return [codedError(`Introspection is disabled: ${field} is not available.`, 'INTROSPECTION_DISABLED')];
        }),
      );
    },
};

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
    useDisableIntrospection(),
    codeRefusals,
    blockFieldSuggestionsPlugin({ mask: '' }) as Plugin,
    {
      onResultProcess: ({ result, setResult }) => {
        if (Array.isArray(result) || Symbol.asyncIterator in result || !result.errors?.length) return;
        setResult({ ...result, errors: result.errors.map(withoutSuggestion) as GraphQLError[] });
      },
    },
  ];
}
