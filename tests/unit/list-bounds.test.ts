import { type GraphQLType, isInterfaceType, isListType, isNonNullType, isObjectType, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { LIST_SIZE_KEYS, type ListSizes, NO_EVIDENCE } from '../../src/domain/list-sizes.js';
import { schema } from '../../src/graphql-schema.js';
import { costOf } from '../../src/plugins/cost.js';
import { LIST_BOUNDS } from '../../src/schema/support/list-bounds.js';

const isList = (type: GraphQLType): boolean => isListType(isNonNullType(type) ? type.ofType : type);
const sizes = (n: number) => ({
  ...(Object.fromEntries(LIST_SIZE_KEYS.map((key) => [key, n])) as unknown as ListSizes),
  ...NO_EVIDENCE,
  evidencePerSeries: n,
  charactersPerEvidence: n,
  eventsPerEvidence: n,
  relationshipsPerEvidence: n,
});
const cost = (query: string, n = 10, variables?: Record<string, unknown>) =>
  costOf(schema, parse(query), { limit: 1e15, sizes: sizes(n), variables }).cost;

describe('the cost of an operation', () => {
  it('has a bound for every list field of the schema', () => {
    const lists = Object.values(schema.getTypeMap())
      .filter((type) => !type.name.startsWith('__') && (isObjectType(type) || isInterfaceType(type)))
      .flatMap((type) =>
        Object.values((type as { getFields(): Record<string, { name: string; type: GraphQLType }> }).getFields())
          .filter((field) => isList(field.type))
          .map((field) => `${type.name}.${field.name}`),
      );
    expect(lists.filter((name) => LIST_BOUNDS[name] === undefined)).toEqual([]);
    expect(
      Object.keys(LIST_BOUNDS).filter(
        (name) => !lists.includes(name) && !/^Query\.(allSeries|events|changes)$/.test(name),
      ),
    ).toEqual([]);
  });

  it('multiplies nested lists by the longest the store holds', () => {
    expect(cost('{ series(slug: "s") { slug } }')).toBe(2);
    expect(cost('{ series(slug: "s") { characters { slug } } }')).toBe(1 + 10 * 2);
    expect(cost('{ series(slug: "s") { characters { series { characters { slug } } } } }')).toBe(
      1 + 10 * (1 + 1 * (1 + 10 * 2)),
    );
    expect(cost('{ series(slug: "s") { characters { slug } } }', 1000)).toBe(1 + 1000 * 2);
  });

  it('counts a page by the first asked for, from a literal or a variable, and a connection once per item', () => {
    expect(cost('{ allSeries(first: 3) { totalCount edges { node { slug } } } }')).toBe(3 * (1 + 1 + 1 * (1 + 1 * 2)));
    expect(cost('query Q($n: Int) { events(first: $n) { edges { node { slug } } } }', 10, { n: 7 })).toBe(
      7 * (1 + 1 * (1 + 2)),
    );
    expect(cost('{ events { edges { node { slug } } } }')).toBe(20 * (1 + 1 * (1 + 2)));
  });

  it('adds aliases and spreads, and follows fragments as they are used', () => {
    const one = cost('{ series(slug: "s") { characters { slug } } }');
    expect(cost('{ a: series(slug: "s") { characters { slug } } b: series(slug: "s") { characters { slug } } }')).toBe(
      2 * one,
    );
    expect(cost('{ series(slug: "s") { ...F } } fragment F on Series { characters { slug } }')).toBe(one);
    expect(
      cost(
        '{ a: series(slug: "s") { ...F } b: series(slug: "s") { ...F } } fragment F on Series { characters { slug } }',
      ),
    ).toBe(2 * one);
  });

  it('refuses, with a coded error, a document whose fragments spread into too many selections to cost', () => {
    const fragments = Array.from(
      { length: 20 },
      (_, i) =>
        `fragment F${i} on Series { a: characters { series { ...F${i + 1} } } b: characters { series { ...F${i + 1} } } }`,
    );
    const query = `{ series(slug: "s") { ...F0 } } ${fragments.join(' ')} fragment F20 on Series { slug }`;
    const { error } = costOf(schema, parse(query), { limit: 50_000, sizes: sizes(10) });
    expect(error?.extensions.code).toBe('COST_LIMIT_EXCEEDED');
  });
});
