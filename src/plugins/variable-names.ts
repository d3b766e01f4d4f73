import type { ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { codedError } from './refusals.js';

/**
 * graphql-js coerces variables into a plain object, where `__proto__` sets the prototype instead of a value:
 * `$__proto__` would reach the resolvers as missing while the cost limit counted the value sent.
 */
const RESERVED = new Set(['__proto__']);

const reservedVariableNames: ValidationRule = (context) => ({
  VariableDefinition(node) {
    const name = node.variable.name.value;
    if (!RESERVED.has(name)) return;
    context.reportError(
      codedError(
        `The variable name $${name} is reserved: give the variable another name.`,
        'GRAPHQL_VALIDATION_FAILED',
      ),
    );
  },
});

/** Refuses variables whose names the executor cannot hold, while validating (400 under GraphQL-over-HTTP). */
export function useReservedVariableNames(): Plugin {
  return { onValidate: ({ addValidationRule }) => addValidationRule(reservedVariableNames) };
}
