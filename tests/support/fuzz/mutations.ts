import type { Random } from '../../../src/generate/random.js';
import { hostileString, hostileValue } from './hostile.js';
import type { Operation } from './variables.js';

const RESULT = '__typename ... on ValidationError { message path issues { path message } }';

const UPSERT_FIELDS: Record<string, string[]> = {
  Series: ['title', 'episodeCount', 'genres', 'starring', 'country'],
  Episode: ['series', 'number', 'title', 'runtimeMinutes'],
  Character: ['series', 'name', 'aliases', 'description'],
  Person: ['name', 'nativeName'],
  Casting: ['series', 'character', 'person', 'billing'],
  Credit: ['series', 'person', 'role'],
  Relationship: ['series', 'from', 'to', 'kind', 'mutual', 'since', 'until', 'note'],
  PlotEvent: ['series', 'episode', 'sequence', 'kind', 'summary', 'agent', 'target', 'participants'],
};

const DELETES: readonly { field: string; args: Record<string, string> }[] = [
  { field: 'deleteSeries', args: { slug: 'String!', cascade: 'Boolean' } },
  { field: 'deleteEpisode', args: { series: 'String!', number: 'Int!' } },
  { field: 'deleteCharacter', args: { series: 'String!', slug: 'String!' } },
  { field: 'deletePerson', args: { slug: 'String!' } },
  { field: 'deletePlotEvent', args: { series: 'String!', slug: 'String!' } },
  { field: 'deleteRelationship', args: { series: 'String!', slug: 'String!' } },
  { field: 'deleteCasting', args: { series: 'String!', character: 'String!', person: 'String!' } },
  { field: 'deleteCredit', args: { series: 'String!', person: 'String!', role: 'CreditRole!' } },
];

const NUMBERS = new Set(['episodeCount', 'number', 'runtimeMinutes', 'since', 'until', 'episode', 'sequence']);
const ENUMS: Record<string, string> = { kind: 'CONFESSION', billing: 'GUEST', role: 'DIRECTOR' };
const RELATIONSHIP_KIND = 'FRIEND';

/** A value of the field's own type (so that it gets past GraphQL to validation), or now and then of any type. */
function fieldValue(random: Random, type: string, field: string): unknown {
  if (random.chance(0.05)) return hostileValue(random);
  if (NUMBERS.has(field)) return random.pick([1, 0, -1, 100_001, 2 ** 31 - 1]);
  if (field === 'kind' && type === 'Relationship') return RELATIONSHIP_KIND;
  if (field in ENUMS) return ENUMS[field];
  if (field === 'mutual') return random.chance(0.5);
  if (['genres', 'starring', 'aliases'].includes(field)) return [hostileString(random)];
  if (field === 'participants') return [{ character: hostileString(random), paragraph: 1 }];
  return hostileString(random);
}

/** Every key is hostile, so no write can land: the store must be left exactly as it was. */
function hostileUpsert(random: Random): Operation {
  const type = random.pick(Object.keys(UPSERT_FIELDS));
  const input: Record<string, unknown> = { slug: hostileString(random), series: hostileString(random) };
  for (const field of UPSERT_FIELDS[type]!)
    if (field !== 'series' && random.chance(0.8)) input[field] = fieldValue(random, type, field);
  input.source = random.chance(0.9)
    ? { document: hostileString(random), paragraph: random.pick([1, -1, 0, 2 ** 31 - 1]) }
    : hostileValue(random);
  const query = `mutation Fuzz($input: Upsert${type}Input!) { upsert${type}(input: $input) { ${RESULT} } }`;
  return { query, variables: { input: random.chance(0.05) ? hostileValue(random) : input } };
}

function hostileDelete(random: Random): Operation {
  const { field, args } = random.pick(DELETES);
  const names = Object.keys(args);
  const declared = names.map((name) => `$${name}: ${args[name]}`).join(', ');
  const passed = names.map((name) => `${name}: $${name}`).join(', ');
  const value = (name: string) => (['slug', 'series'].includes(name) ? hostileString(random) : hostileValue(random));
  return {
    query: `mutation Fuzz(${declared}) { ${field}(${passed}) { ${RESULT} } }`,
    variables: Object.fromEntries(names.map((name) => [name, value(name)])),
  };
}

function hostileImport(random: Random): Operation {
  const series = {
    slug: hostileString(random),
    title: hostileString(random),
    episodeCount: 1,
    source: { document: 'x' },
  };
  const document = random.pick<unknown>([
    { format: 'drama-graph/seed@1', series: [series] },
    { format: hostileString(random), people: [{ slug: hostileString(random), name: 'x' }] },
    { format: 'drama-graph/seed@1', people: [{ slug: 'fine-person', name: 'Fine' }], series: [series] },
    {
      format: 'drama-graph/seed@1',
      people: [{ slug: 'a'.repeat(random.int(121, 5000)), name: 'Long', source: { document: 'x' } }],
    },
    JSON.parse('{"__proto__": {"format": "drama-graph/seed@1"}, "constructor": {"prototype": {"x": 1}}}'),
    hostileValue(random),
  ]);
  return {
    query: `mutation Fuzz($d: JSONObject!) { importBatch(document: $d) { ${RESULT} } }`,
    variables: { d: document },
  };
}

export function hostileMutation(random: Random): Operation {
  return random.pick([hostileUpsert, hostileUpsert, hostileDelete, hostileImport])(random);
}
