import type { ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { codedError } from './refusals.js';

/** graphql-js 16 does not check that the schema has the operation's root type; graphql-jit then throws. */
const knownOperationTypes: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (context.getSchema().getRootType(node.operation)) return;
    context.reportError(codedError(`This service has no ${node.operation} operations.`, 'OPERATION_NOT_SUPPORTED'));
  },
});

/** Refuses operations whose type the schema lacks (every subscription) while validating, with 400 under GraphQL-over-HTTP. */
export function useKnownOperationTypes(): Plugin {
  return { onValidate: ({ addValidationRule }) => addValidationRule(knownOperationTypes) };
}
