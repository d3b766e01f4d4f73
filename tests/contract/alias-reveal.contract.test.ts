import { expect, it } from 'vitest';
import { parseSeedText } from '../../src/seed/load.js';
import { describeEachStore } from '../support/each-store.js';
import { errorCodes, graphql } from '../support/graphql.js';
import { mutate, SOURCE, writableYoga } from '../support/writes.js';

/**
 * Aliases are revealed by episode like any other text: a name the story gives a character in episode 3 is
 * not shown, found, ranked or exported as known to a viewer at episode 2.
 */
const SHOW = {
  format: 'drama-graph/seed@1',
  series: [
    {
      slug: 'alias-show',
      title: 'Alias Show',
      episodeCount: 4,
      source: SOURCE,
      episodes: [1, 2, 3, 4].map((number) => ({ number, source: SOURCE })),
      characters: [
        {
          slug: 'haneul',
          name: 'Haneul',
          aliases: ['Moonbeam Kid', { name: 'Moon', fromEpisode: 3 }, { name: 'Masked Singer', fromEpisode: 4 }],
          firstEpisode: 1,
          source: SOURCE,
        },
        { slug: 'moonbeam', name: 'Moonbeam', firstEpisode: 1, source: SOURCE },
      ],
    },
  ],
};

const at = (episode: number): Record<string, string> => ({ 'x-watched-through': `alias-show@${episode}` });

describeEachStore('aliases are revealed by episode', (service) => {
  const yoga = () => writableYoga(service().store);
  const ask = async (query: string, headers: Record<string, string> = {}) => {
    const response = await graphql(service().yoga, query, undefined, headers);
    expect(response.errors).toBeUndefined();
    return response.data!;
  };
  const search = async (query: string, headers: Record<string, string>) =>
    (
      await ask(
        `{ search(query: ${JSON.stringify(query)}, first: 10) { score matchedOn node { ... on Character { slug } } } }`,
        headers,
      )
    ).search.map((hit: any) => ({ slug: hit.node.slug, matchedOn: hit.matchedOn }));

  it('writes aliases with and without fromEpisode in an importBatch', async () => {
    const written = await mutate(yoga(), 'importBatch', '($document: JSONObject!)', { document: SHOW });
    expect(written.data!.importBatch.__typename).toBe('ImportBatchSuccess');
  });

  it('shows only the aliases revealed by the viewer’s progress, in aliases and aliasesByEpisode', async () => {
    const query =
      '{ character(series: "alias-show", slug: "haneul") { aliases aliasesByEpisode { name fromEpisode } } }';
    expect((await ask(query, at(2))).character).toEqual({
      aliases: ['Moonbeam Kid'],
      aliasesByEpisode: [{ name: 'Moonbeam Kid', fromEpisode: 1 }],
    });
    expect((await ask(query, at(3))).character.aliases).toEqual(['Moonbeam Kid', 'Moon']);
    expect((await ask(query)).character.aliasesByEpisode).toEqual([
      { name: 'Moonbeam Kid', fromEpisode: 1 },
      { name: 'Moon', fromEpisode: 3 },
      { name: 'Masked Singer', fromEpisode: 4 },
    ]);
  });

  it('finds no one by a hidden alias, and ranks by the revealed names only', async () => {
    expect(await search('Masked Singer', at(3))).toEqual([]);
    expect(await search('Masked Singer', at(4))).toEqual([{ slug: 'haneul', matchedOn: 'Masked Singer' }]);
    // "Moon" is Haneul's exact alias from episode 3; before it, only the prefix matches count, and
    // Moonbeam (closer fit) ranks above Haneul's "Moonbeam Kid".
    expect(await search('Moon', at(2))).toEqual([
      { slug: 'moonbeam', matchedOn: 'Moonbeam' },
      { slug: 'haneul', matchedOn: 'Moonbeam Kid' },
    ]);
    expect(await search('Moon', at(3))).toEqual([
      { slug: 'haneul', matchedOn: 'Moon' },
      { slug: 'moonbeam', matchedOn: 'Moonbeam' },
    ]);
    expect(await search('Moon', {})).toEqual(await search('Moon', at(4)));
  });

  it('leaves hidden aliases out of the JSON-LD alternateName', async () => {
    const jsonld = async (query: string) => {
      const response = await service().yoga.fetch(`http://drama.test/series/alias-show.jsonld${query}`);
      expect(response.status).toBe(200);
      const body = await response.json();
      return body.character.find((c: any) => c.name === 'Haneul').alternateName;
    };
    expect(await jsonld('?watched-through=2')).toEqual(['Moonbeam Kid']);
    expect(await jsonld('')).toEqual(['Moonbeam Kid', 'Moon', 'Masked Singer']);
  });

  it('exports aliases with their episodes, and the export reads back the same', async () => {
    const response = await service().yoga.fetch('http://drama.test/export/series/alias-show');
    expect(response.status).toBe(200);
    const seed = parseSeedText('alias-show.json', await response.text());
    expect(seed.series[0]!.characters.find((c) => c.slug === 'haneul')!.aliases).toEqual([
      { name: 'Moonbeam Kid', fromEpisode: 1 },
      { name: 'Moon', fromEpisode: 3 },
      { name: 'Masked Singer', fromEpisode: 4 },
    ]);
  });

  const upsert = (input: Record<string, unknown>) =>
    mutate(
      yoga(),
      'upsertCharacter',
      '($input: UpsertCharacterInput!)',
      { input: { series: 'alias-show', slug: 'dal', name: 'Dal', firstEpisode: 1, source: SOURCE, ...input } },
      '... on ValidationError { issues { rule path } }',
    );

  it('takes aliasesByEpisode in upsertCharacter, and plain aliases as known from the start', async () => {
    const written = await upsert({
      aliasesByEpisode: [
        { name: 'The Twin', fromEpisode: 2 },
        { name: 'Dali', fromEpisode: 1 },
      ],
    });
    expect(written.data!.upsertCharacter.__typename).toBe('UpsertCharacterSuccess');
    const query = '{ character(series: "alias-show", slug: "dal") { aliases } }';
    expect((await ask(query, at(1))).character.aliases).toEqual(['Dali']);
    expect((await ask(query, at(2))).character.aliases).toEqual(['The Twin', 'Dali']);
    expect(await search('The Twin', at(1))).toEqual([]);
    expect(await search('The Twin', at(2))).toEqual([{ slug: 'dal', matchedOn: 'The Twin' }]);
    const plain = await upsert({ aliases: ['Dali'] });
    expect(plain.data!.upsertCharacter.__typename).toBe('UpsertCharacterSuccess');
    expect((await ask(query, at(1))).character.aliases).toEqual(['Dali']);
    expect(await search('The Twin', {})).toEqual([]);
  });

  it.each([
    [
      'aliases and aliasesByEpisode together',
      { aliases: ['A'], aliasesByEpisode: [{ name: 'B', fromEpisode: 2 }] },
      'one-of',
      ['input', 'aliasesByEpisode'],
    ],
    [
      'an alias from episode 0',
      { aliasesByEpisode: [{ name: 'A', fromEpisode: 0 }] },
      'range',
      ['input', 'aliasesByEpisode', '0', 'fromEpisode'],
    ],
    [
      'an alias past the last episode, among aliases of one episode',
      {
        aliasesByEpisode: [
          { name: 'A', fromEpisode: 2 },
          { name: 'B', fromEpisode: 7 },
          { name: 'C', fromEpisode: 2 },
          { name: 'D', fromEpisode: 7 },
        ],
      },
      'reference',
      ['input', 'aliasesByEpisode', '3', 'fromEpisode'],
    ],
    [
      'an alias past the last episode',
      {
        aliasesByEpisode: [
          { name: 'A', fromEpisode: 1 },
          { name: 'B', fromEpisode: 5 },
        ],
      },
      'reference',
      ['input', 'aliasesByEpisode', '1', 'fromEpisode'],
    ],
    [
      'one name twice, in different episodes',
      {
        aliasesByEpisode: [
          { name: 'A', fromEpisode: 1 },
          { name: ' A ', fromEpisode: 3 },
        ],
      },
      'duplicate',
      ['input', 'aliasesByEpisode'],
    ],
    [
      'one name twice, composed and decomposed (NFC/NFD)',
      {
        aliasesByEpisode: [
          { name: 'D\u00e9', fromEpisode: 2 },
          { name: 'De\u0301', fromEpisode: 3 },
        ],
      },
      'duplicate',
      ['input', 'aliasesByEpisode'],
    ],
    ['one name twice, in two casings', { aliases: ['Dx', 'dx'] }, 'duplicate', ['input', 'aliases']],
    [
      'one name twice, with and without its accent',
      { aliases: ['Zo\u00e9 K', 'zoe-k'] },
      'duplicate',
      ['input', 'aliases'],
    ],
    [
      "the character's own name, in another casing",
      { aliasesByEpisode: [{ name: 'DAL', fromEpisode: 2 }] },
      'duplicate',
      ['input', 'aliasesByEpisode'],
    ],
    [
      '51 aliases',
      { aliasesByEpisode: Array.from({ length: 51 }, (_, i) => ({ name: `A${i}`, fromEpisode: 1 })) },
      'max-items',
      ['input', 'aliasesByEpisode'],
    ],
    [
      'an empty name',
      { aliasesByEpisode: [{ name: '  ', fromEpisode: 2 }] },
      'not-empty',
      ['input', 'aliasesByEpisode', '0', 'name'],
    ],
    [
      'a name of two lines',
      { aliasesByEpisode: [{ name: 'A\nB', fromEpisode: 2 }] },
      'one-line',
      ['input', 'aliasesByEpisode', '0', 'name'],
    ],
    [
      'a lone surrogate',
      { aliasesByEpisode: [{ name: 'A\ud800', fromEpisode: 2 }] },
      'well-formed',
      ['input', 'aliasesByEpisode', '0', 'name'],
    ],
  ])('refuses %s with a coded issue at its path, writing nothing', async (_name, input, rule, path) => {
    const response = await upsert({ slug: 'refused-alias', ...input });
    expect(response.data!.upsertCharacter.__typename).toBe('ValidationError');
    expect(response.data!.upsertCharacter.issues).toContainEqual(expect.objectContaining({ rule, path }));
    expect((await ask('{ character(series: "alias-show", slug: "refused-alias") { slug } }')).character).toBeNull();
  });

  it('refuses in an importBatch aliases that search folds alike, or that are the character itself', async () => {
    for (const aliases of [['D\u00e9', { name: 'De\u0301', fromEpisode: 3 }], ['Dx', 'dx'], ['MOONBEAM']]) {
      const document = structuredClone(SHOW);
      document.series[0]!.characters[1]!.aliases = aliases as never;
      const batch = await mutate(yoga(), 'importBatch', '($document: JSONObject!)', { document });
      expect(batch.data!.importBatch.__typename, JSON.stringify(aliases)).toBe('ValidationError');
    }
  });

  it('refuses alias objects with __proto__, unknown fields or wrong types in an importBatch and an upsert', async () => {
    const broken = [
      JSON.parse('{"name": "A", "fromEpisode": 2, "__proto__": {"polluted": true}}'),
      { name: 'A', fromEpisode: '2' },
      { name: 'A' },
      42,
      null,
      ['A'],
    ];
    for (const alias of broken) {
      const document = structuredClone(SHOW);
      document.series[0]!.characters[1]!.aliases = [alias] as never;
      const batch = await mutate(yoga(), 'importBatch', '($document: JSONObject!)', { document });
      expect(batch.data!.importBatch.__typename, JSON.stringify(alias)).toBe('ValidationError');
      const response = await upsert({ slug: 'refused-alias', aliasesByEpisode: [alias] });
      expect(errorCodes(response), JSON.stringify(alias)).toContain('BAD_USER_INPUT');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await ask('{ character(series: "alias-show", slug: "moonbeam") { aliases } }')).character.aliases).toEqual(
      [],
    );
  });
});
