import { type FieldNode, parse, visit } from 'graphql';
import { expect, it } from 'vitest';
import { schema } from '../../src/graphql-schema.js';
import { seriesScopes } from '../../src/plugins/series-scopes.js';

/** Each field's response path (alias or name, dotted) and the series it is costed within. */
function scoped(query: string, variables: unknown = {}, operationName?: string): Record<string, string> {
  const document = parse(query);
  const scopes = seriesScopes(schema, document, operationName, variables);
  const found: Record<string, string> = {};
  const path: string[] = [];
  visit(document, {
    Field: {
      enter(node: FieldNode) {
        path.push(node.alias?.value ?? node.name.value);
        const scope = scopes.get(node);
        if (scope !== undefined) found[path.join('.')] = scope;
      },
      leave() {
        path.pop();
      },
    },
    FragmentDefinition: { enter: (node) => void path.push(`#${node.name.value}`), leave: () => void path.pop() },
  });
  return found;
}

it('scopes the fields under series(slug:) that stay within it (back to it from a character too), and none past a field that leaves it', () => {
  expect(
    scoped(`{ series(slug: "a") { title cast { person { castings { character { name } } } }
      episodes { number events { participants { role character { name } } } }
      characters { aliases events { summary } series { episodes { number } } } } }`),
  ).toEqual({
    'series.title': 'a',
    'series.cast': 'a',
    'series.episodes': 'a',
    'series.episodes.number': 'a',
    'series.episodes.events': 'a',
    'series.episodes.events.participants': 'a',
    'series.characters': 'a',
    'series.characters.aliases': 'a',
    'series.characters.events': 'a',
    'series.characters.series': 'a',
    'series.characters.series.episodes': 'a',
    'series.characters.series.episodes.number': 'a',
  });
});

it('reads the slug from variables, and scopes nothing for a bad or missing one', () => {
  const query = 'query Q($s: String!) { series(slug: $s) { episodes { number } } }';
  expect(scoped(query, { s: 'b' })).toEqual({ 'series.episodes': 'b', 'series.episodes.number': 'b' });
  for (const variables of [{}, { s: 5 }, { s: null }, null, [], 'x', { __proto__: { s: 'c' } }])
    expect(scoped(query, variables)).toEqual({});
  expect(scoped(query, { s: '__proto__' })).toEqual({
    'series.episodes': '__proto__',
    'series.episodes.number': '__proto__',
  });
});

it('leaves out what two series share, or one series and the store: a fragment spread under both', () => {
  const shared = `{ a: series(slug: "a") { ...P } b: series(slug: "b") { ...P } c: series(slug: "a") { genres } }
    fragment P on Series { episodes { number } }`;
  expect(scoped(shared)).toEqual({ 'c.genres': 'a' });
  const outside = `{ series(slug: "a") { characters { ...C } } person(slug: "x") { castings { character { ...C } } } }
    fragment C on Character { name }`;
  expect(scoped(outside)).toEqual({ 'series.characters': 'a' });
  const another = `{ series(slug: "a") { characters { ...C } } character(series: "b", slug: "x") { ...C } }
    fragment C on Character { name }`;
  expect(scoped(another)).toEqual({ 'series.characters': 'a' });
  const same = `{ a: series(slug: "a") { ...P } b: series(slug: "a") { ...P } } fragment P on Series { episodes { number } }`;
  expect(scoped(same)).toEqual({ '#P.episodes': 'a', '#P.episodes.number': 'a' });
});

it('scopes nothing in a mutation or a subscription, or for an operation the document does not hold', () => {
  expect(scoped('mutation { deleteSeries(slug: "a") { __typename } }')).toEqual({});
  expect(scoped('query A { series(slug: "a") { title } } query B { __typename }', {}, 'B')).toEqual({});
  expect(scoped('query A { series(slug: "a") { title } }', {}, 'Nope')).toEqual({});
});

it('walks a chain of fragments spread under many series in bounded work, leaving the shared fields out', () => {
  const letter = (i: number) => String.fromCharCode(65 + i);
  const chain = Array.from(
    { length: 12 },
    (_, i) =>
      `fragment ${letter(i)} on Series { episodes { number } cast { person { castings { series { ...${letter(i + 1)} ...${letter(i + 1)} } } } } }`,
  ).join(' ');
  const document = (n: number) =>
    `{ ${Array.from({ length: n }, (_, i) => `s${i}: series(slug: "s${i}") { ...A ...A }`).join(' ')} } ${chain} fragment M on Series { title }`;
  // Under one series, fragment A's own fields are within it; the chain below cast.person is not.
  expect(scoped(document(1))).toEqual({
    '#A.episodes': 's0',
    '#A.episodes.number': 's0',
    '#A.cast': 's0',
  });
  expect(scoped(document(15))).toEqual({});
});

// Re-test 21: only a root series(slug:) was costed by its series; a character or an episode was costed store-wide.
it('scopes what is under character(series:) and episode(series:) to the series they name', () => {
  expect(
    scoped(
      `query Q($s: String!) { character(series: $s, slug: "x") { aliases events { participants { role } } series { episodes { number } } }
      episode(series: "b", number: 1) { events { participants { character { name } } } } }`,
      { s: 'a' },
    ),
  ).toEqual({
    'character.aliases': 'a',
    'character.events': 'a',
    'character.series': 'a',
    'character.series.episodes': 'a',
    'character.series.episodes.number': 'a',
    'episode.events': 'b',
    'episode.events.participants': 'b',
  });
  // A fragment read under both roots, named alike, stays within that series.
  const both = `{ character(series: "a", slug: "x") { ...C } series(slug: "a") { characters { ...C } } }
    fragment C on Character { relationships { kind } }`;
  expect(scoped(both)).toEqual({ 'series.characters': 'a', '#C.relationships': 'a' });
  for (const variables of [{}, { s: 7 }, { s: null }, { __proto__: { s: 'a' } }])
    expect(scoped('query Q($s: String!) { character(series: $s, slug: "x") { aliases } }', variables)).toEqual({});
});
