import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { JSONObjectResolver } from 'graphql-scalars';

/** A literal's value as JSON.parse would give it: every key an own property, `__proto__` included. */
function literalValue(node: ValueNode, variables: Record<string, unknown> | null | undefined): unknown {
  switch (node.kind) {
    case Kind.OBJECT: {
      const object: Record<string, unknown> = {};
      for (const field of node.fields) {
        Object.defineProperty(object, field.name.value, {
          value: literalValue(field.value, variables),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return object;
    }
    case Kind.LIST:
      return node.values.map((value) => literalValue(value, variables));
    case Kind.VARIABLE:
      return variables?.[node.name.value];
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    default:
      return node.value;
  }
}

/**
 * graphql-scalars' JSONObject, except that an object written inside the query keeps a `__proto__` key as a key
 * (its parseLiteral assigned it, which set the object's prototype and hid the key from every check), so a
 * literal is checked exactly as the same document sent as a variable.
 */
export const JSONObjectScalar = new GraphQLScalarType({
  ...JSONObjectResolver.toConfig(),
  parseLiteral: (node, variables) =>
    node.kind === Kind.OBJECT ? literalValue(node, variables) : JSONObjectResolver.parseLiteral(node, variables),
});
