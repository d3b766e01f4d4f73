import type { ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { codedError } from '../ops/errors.js';

const noIntrospection: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value !== '__schema' && node.name.value !== '__type') return;
    context.reportError(codedError(`Introspection is disabled: ${node.name.value} is not available.`, 'INTROSPECTION_DISABLED'));
  },
});

/** Blocks __schema and __type (INTROSPECTION=false); __typename stays available. */
export function useNoIntrospection(): Plugin {
  return { onValidate: ({ addValidationRule }) => addValidationRule(noIntrospection) };
}
