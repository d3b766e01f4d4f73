import { type GraphQLField, getNamedType, isLeafType, isObjectType, Kind, parse, type SelectionSetNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../bench/src/operations.js';
import { schema } from '../../src/graphql-schema.js';

/** Every field a document selects, with the object type it is selected on. */
function selectedFields(selectionSet: SelectionSetNode, typeName: string): [string, GraphQLField<unknown, unknown>][] {
  const type = schema.getType(typeName);
  if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind !== Kind.FIELD) throw new Error('op 2 has no fragments');
    const field = type.getFields()[selection.name.value];
    if (!field) throw new Error(`${typeName}.${selection.name.value} is not in the schema`);
    const named = getNamedType(field.type);
    const own: [string, GraphQLField<unknown, unknown>] = [`${typeName}.${field.name}`, field];
    return selection.selectionSet ? [own, ...selectedFields(selection.selectionSet, named.name)] : [own];
  });
}

describe("the series page's leaves are read straight off their parent", () => {
  it('has no resolver on any scalar or enum field op 2 selects (each would cost a resolve info and a path per item)', () => {
    const document = parse(OPERATIONS.find((op) => op.number === 2)!.document);
    const operation = document.definitions[0]!;
    if (operation.kind !== Kind.OPERATION_DEFINITION) throw new Error('op 2 is one operation');
    const leaves = selectedFields(operation.selectionSet, 'Query').filter(([, field]) =>
      isLeafType(getNamedType(field.type)),
    );
    expect(leaves.map(([name]) => name)).toEqual(
      expect.arrayContaining(['Series.title', 'PlotEvent.kind', 'Participation.role', 'Person.name']),
    );
    expect(leaves.filter(([, field]) => field.resolve !== undefined).map(([name]) => name)).toEqual([]);
  });
});
