import { type ExecutionArgs, getOperationAST, type ValidationRule, valueFromASTUntyped } from 'graphql';
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

/** The operation's variables with the default of each one not given filled in, as a client would send it. */
function withDefaults(args: ExecutionArgs): Record<string, unknown> | null {
  const definitions = getOperationAST(args.document, args.operationName)?.variableDefinitions ?? [];
  const given = args.variableValues ?? {};
  let filled: Record<string, unknown> | null = null;
  for (const { variable, defaultValue } of definitions) {
    const name = variable.name.value;
    if (defaultValue === undefined || Object.hasOwn(given, name)) continue;
    filled ??= { ...given };
    filled[name] = valueFromASTUntyped(defaultValue);
  }
  return filled;
}

/**
 * Gives the executor every variable a default covers (GraphQL's CoerceVariableValues): graphql-jit refuses a
 * non-null variable that is not given even when it has a default (`$t: Boolean! = true`).
 */
export function useVariableDefaults(): Plugin {
  return {
    onExecute({ args }) {
      const filled = withDefaults(args);
      if (filled !== null) args.variableValues = filled;
    },
  };
}
