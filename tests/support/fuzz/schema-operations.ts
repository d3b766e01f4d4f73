import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
  isUnionType,
} from 'graphql';
import type { Random } from '../../../src/generate/random.js';
import { hostileString, hostileValue } from './hostile.js';

/** One operation made from the schema: valid, or valid but for one thing. */
export interface SchemaOperation {
  family: string;
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

const id = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const STRINGS = [
  'soundtrack-1',
  'eun-soo',
  'sun-woo',
  'ha-rin',
  'woo-il',
  'seo-yeon',
  'han-ji-min',
  'park-hyung-sik',
  'eun',
  'ㅅㅇ',
  '',
  'generated-0001',
];
const IDS = [
  id('Series:soundtrack-1'),
  id('Character:soundtrack-1/eun-soo'),
  id('Character:soundtrack-1/sun-woo'),
  id('Episode:soundtrack-1/2'),
  id('Person:han-ji-min'),
  'x',
  id('__proto__:x'),
];
const INTS = [0, 1, 2, 3, 4, 5, 10, 20, 100];
const WRONG_INTS = [-1, 101, 2 ** 31, 2 ** 53, 1.5, -0];

/** Builds one document: its fragments and variable definitions are collected as the selection grows. */
class DocumentBuilder {
  readonly fragments: string[] = [];
  readonly definitions: string[] = [];
  readonly variables: Record<string, unknown> = {};
  private names = 0;

  constructor(
    readonly random: Random,
    readonly schema: GraphQLSchema,
    readonly nearValid: boolean,
  ) {}

  fresh(prefix: string): string {
    this.names += 1;
    return `${prefix}${this.names}`;
  }

  /** A value for an input type, as a literal or (sometimes) through a variable. */
  argument(argument: Pick<GraphQLArgument, 'type' | 'name'>): string {
    if (this.random.chance(0.25)) {
      const name = this.fresh('v');
      const wrongType = this.nearValid && this.random.chance(0.1);
      this.definitions.push(
        `$${name}: ${wrongType ? this.random.pick(['Int', 'String!', '[ID]', 'Boolean!', 'EventFilter']) : String(argument.type)}`,
      );
      const value = this.value(argument.type, 0);
      if (!(this.nearValid && this.random.chance(0.1)))
        this.variables[name] = this.nearValid && this.random.chance(0.15) ? this.wrongValue() : value;
      return `$${name}`;
    }
    if (this.nearValid && this.random.chance(0.05)) return JSON.stringify(this.wrongValue()) ?? 'null';
    return literal(this.value(argument.type, 0));
  }

  wrongValue(): unknown {
    return this.random.pick<() => unknown>([
      () => hostileString(this.random),
      () => this.random.pick(WRONG_INTS),
      () => hostileValue(this.random),
      () => ({ __proto__: { polluted: true }, constructor: { prototype: 1 } }),
      () => JSON.parse('{"__proto__": {"polluted": true}}'),
      () => Array.from({ length: this.random.int(0, 3) }, () => this.random.pick(STRINGS)),
      () => null,
      () => true,
      () => nested(this.random.int(1, 60)),
    ])();
  }

  value(type: GraphQLInputType, depth: number, nullable = true): unknown {
    if (isNonNullType(type)) return this.value(type.ofType, depth, false);
    if (nullable && depth > 0 && this.random.chance(0.1)) return null;
    if (isListType(type))
      return Array.from({ length: this.random.int(0, 3) }, () => this.value(type.ofType, depth + 1));
    if (isEnumType(type)) return new EnumValue(this.random.pick(type.getValues()).name);
    if (isInputObjectType(type)) {
      const fields = Object.values(type.getFields());
      const chosen = fields.filter((field) => isNonNullType(field.type) || (depth < 3 && this.random.chance(0.4)));
      return Object.fromEntries(chosen.map((field) => [field.name, this.value(field.type, depth + 1)]));
    }
    if (isScalarType(type)) {
      switch (type.name) {
        case 'Int':
          return this.random.pick(INTS);
        case 'Float':
          return this.random.next() * 10;
        case 'Boolean':
          return this.random.chance(0.5);
        case 'ID':
          return this.random.pick(IDS);
        case 'JSONObject':
          return { format: 'drama-graph/seed@1', series: [] };
        default:
          return this.random.chance(0.9) ? this.random.pick(STRINGS) : hostileString(this.random).slice(0, 200);
      }
    }
    return null;
  }

  /** A selection set on a composite type, `depth` levels deep at most. */
  selection(type: GraphQLNamedType, depth: number): string {
    if (isUnionType(type) || isInterfaceType(type)) {
      const members = isUnionType(type) ? type.getTypes() : this.schema.getPossibleTypes(type);
      const parts = [
        '__typename',
        ...this.random
          .sample(members, this.random.int(1, 2))
          .map((member) => `... on ${member.name} ${this.selection(member, depth)}`),
      ];
      if (isInterfaceType(type)) parts.push('id');
      return `{ ${parts.join(' ')} }`;
    }
    const object = type as GraphQLObjectType;
    const fields = Object.values(object.getFields());
    const leaves = fields.filter((field) => isLeafType(getNamedType(field.type)));
    const branches = fields.filter((field) => !isLeafType(getNamedType(field.type)));
    const chosen =
      depth <= 1 || branches.length === 0
        ? this.random.sample(leaves.length > 0 ? leaves : fields, this.random.int(1, 3))
        : this.random.sample(fields, this.random.int(1, 4));
    if (chosen.every((field) => !isLeafType(getNamedType(field.type))) && depth <= 1)
      chosen.push(...leaves.slice(0, 1));
    const parts = chosen.map((field) => this.field(field, depth));
    if (this.nearValid && this.random.chance(0.03))
      parts.push(this.random.pick(['nope', '__proto__', 'constructor', 'title(first: 1)']));
    if (this.random.chance(0.1)) parts.push('__typename');
    if (parts.length === 0) parts.push('__typename');
    const body = `{ ${parts.join(' ')} }`;
    if (this.random.chance(0.15)) {
      const name = this.fresh('F');
      this.fragments.push(`fragment ${name} on ${object.name} ${body}`);
      const spreads = this.random.chance(0.2) ? this.random.int(2, 4) : 1;
      return `{ ${Array.from({ length: spreads }, () => `...${name}`).join(' ')} }`;
    }
    if (this.random.chance(0.08)) return `{ ... on ${object.name} ${body} }`;
    return body;
  }

  field(field: GraphQLField<unknown, unknown>, depth: number): string {
    const alias = this.random.chance(0.15) ? `${this.fresh('a')}: ` : '';
    const args = field.args.filter((arg) => isNonNullType(arg.type) || this.random.chance(0.4));
    if (this.nearValid && this.random.chance(0.02) && args.length > 0) args.pop();
    const printed = args.length === 0 ? '' : `(${args.map((arg) => `${arg.name}: ${this.argument(arg)}`).join(', ')})`;
    const directive = this.random.chance(0.05)
      ? ` @${this.random.pick(['skip', 'include'])}(if: ${this.random.pick(['true', 'false'])})`
      : '';
    const named = getNamedType(field.type);
    const selection = isLeafType(named) ? '' : ` ${this.selection(named, depth - 1)}`;
    return `${alias}${field.name}${printed}${directive}${selection}`;
  }

  document(operation: 'query' | 'mutation', selection: string, name: string | null): string {
    const definitions = this.definitions.length > 0 ? `(${this.definitions.join(', ')})` : '';
    const head =
      name === null && definitions === '' && operation === 'query' && this.random.chance(0.5)
        ? ''
        : `${operation} ${name ?? ''}${definitions} `;
    return [`${head}${selection}`, ...this.fragments].join('\n');
  }
}

class EnumValue {
  constructor(readonly name: string) {}
  toJSON(): string {
    return this.name;
  }
}

function nested(depth: number): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i += 1) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

function literal(value: unknown): string {
  if (value instanceof EnumValue) return value.name;
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (value !== null && typeof value === 'object')
    return `{ ${Object.entries(value)
      .map(([key, item]) => `${key}: ${literal(item)}`)
      .join(', ')} }`;
  return JSON.stringify(value) ?? 'null';
}

const cycleSelection = (random: Random, levels: number): string => {
  const leaf = random.pick(['slug', 'title', 'slug title episodeCount', '__typename']);
  const step = random.pick([
    'characters { series { ',
    'cast { series { ',
    'episodes { series { ',
    'characters { events { episode { series { ',
  ]);
  const close = (step.match(/{/g) ?? []).map(() => ' }').join('');
  return `${step.repeat(levels)}${leaf}${close.repeat(levels)}`;
};

const FAMILIES: Record<string, (builder: DocumentBuilder) => SchemaOperation> = {
  query: (b) => {
    const root = b.schema.getQueryType()!;
    const selection = b.selection(root, b.random.int(2, 7));
    const name = b.random.chance(0.3) ? 'Fuzz' : null;
    return {
      family: 'query',
      query: b.document('query', selection, name),
      variables: b.variables,
      ...(name && b.random.chance(0.5) ? { operationName: b.random.chance(0.9) ? name : 'Other' } : {}),
    };
  },
  cycle: (b) => {
    const levels = b.random.int(1, 5);
    const aliases = b.random.int(1, 15);
    const root = b.random.pick([
      'series(slug: "soundtrack-1")',
      'series(slug: $s)',
      'allSeries(first: $n) { edges { node',
    ]);
    const declared = root.includes('$s')
      ? '($s: String! = "soundtrack-1")'
      : root.includes('$n')
        ? '($n: Int = 100)'
        : '';
    const closing = root.startsWith('allSeries') ? ' } }' : '';
    const inFragment = b.random.chance(0.3);
    const body = `{ ${cycleSelection(b.random, levels)} }`;
    const selection = inFragment ? '{ ...C }' : body;
    const fields = Array.from({ length: aliases }, (_, i) => `a${i}: ${root} ${selection}${closing}`).join(' ');
    const query = `query Cycle${declared} { ${fields} }${inFragment ? `\nfragment C on Series ${body}` : ''}`;
    const variables = root.includes('$s')
      ? { s: b.random.pick(STRINGS) }
      : root.includes('$n')
        ? { n: b.random.pick([...INTS, ...WRONG_INTS]) }
        : {};
    return { family: 'cycle', query, variables };
  },
  fragmentCycle: (b) => {
    const query = b.random.pick([
      '{ series(slug: "soundtrack-1") { ...A } } fragment A on Series { characters { series { ...A } } }',
      '{ series(slug: "soundtrack-1") { ...A } } fragment A on Series { ...B } fragment B on Series { ...A }',
      '{ ...Q } fragment Q on Query { series(slug: "soundtrack-1") { slug } ...Q }',
      '{ series(slug: "soundtrack-1") { ...Missing } }',
      '{ series(slug: "soundtrack-1") { ...A } } fragment A on Character { name }',
      `{ series(slug: "soundtrack-1") { ...A0 } } ${Array.from({ length: 24 }, (_, i) => `fragment A${i} on Series { a: characters { series { ...A${i + 1} } } b: characters { series { ...A${i + 1} } } }`).join(' ')} fragment A24 on Series { slug }`,
    ]);
    return { family: 'fragmentCycle', query };
  },
  deep: (b) => {
    const levels = b.random.int(4, 40);
    const open = Array.from({ length: levels }, (_, i) => (i % 2 === 0 ? 'characters {' : 'series {')).join(' ');
    return { family: 'deep', query: `{ series(slug: "soundtrack-1") { ${open} __typename ${'}'.repeat(levels)} } }` };
  },
  mutation: (b) => {
    const root = b.schema.getMutationType()!;
    const field = b.random.pick(Object.values(root.getFields()));
    const selection = `{ ${b.field(field, 3)} }`;
    return { family: 'mutation', query: b.document('mutation', selection, null), variables: b.variables };
  },
};

const WEIGHTS = ['query', 'query', 'query', 'query', 'cycle', 'cycle', 'fragmentCycle', 'deep', 'mutation'];

/** A valid or near-valid operation made from the schema's types. Mutations are sent without a token. */
export function schemaOperation(random: Random, schema: GraphQLSchema): SchemaOperation {
  const nearValid = random.chance(0.35);
  const family = random.pick(WEIGHTS);
  const operation = FAMILIES[family]!(new DocumentBuilder(random, schema, nearValid));
  const mangled =
    nearValid && random.chance(0.1)
      ? operation.query.slice(0, random.int(1, operation.query.length - 1))
      : operation.query;
  return { ...operation, family: nearValid ? `${operation.family}~` : operation.family, query: mangled };
}
