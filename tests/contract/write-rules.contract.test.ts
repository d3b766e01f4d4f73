import { beforeAll, expect, it } from 'vitest';
import { describeEachStore } from '../support/each-store.js';
import { graphql } from '../support/graphql.js';
import { mutate, SOURCE, WRITERS, writableYoga } from '../support/writes.js';

const BATCH = '($document: JSONObject!)';
const ISSUES = '... on ValidationError { issues { path message rule } }';
type Issue = { path: string[]; message: string; rule: string | null };

/** A small series of its own: two episodes, three characters, two events in episode 1. */
const show = (change: (series: any, document: any) => void = () => {}) => {
  const series: any = {
    slug: 'rules-show',
    title: 'Rules Show',
    episodeCount: 2,
    source: SOURCE,
    episodes: [
      { number: 1, source: SOURCE },
      { number: 2, source: SOURCE },
    ],
    characters: ['mira', 'joon', 'sol'].map((slug) => ({
      slug,
      name: slug[0]!.toUpperCase() + slug.slice(1),
      source: SOURCE,
    })),
    relationships: [
      { slug: 'mira-joon', kind: 'FRIEND', from: 'mira', to: 'joon', mutual: true, since: 1, until: 2, source: SOURCE },
    ],
    events: [1, 2].map((sequence) => ({
      slug: `moment-${sequence}`,
      episode: 1,
      sequence,
      kind: 'MOMENT',
      summary: `Moment ${sequence}.`,
      agent: 'mira',
      participants: [{ character: 'mira', role: 'AGENT' }],
      source: SOURCE,
    })),
  };
  const document: any = {
    format: 'drama-graph/seed@1',
    people: [{ slug: 'rules-star', name: 'Rules Star', source: SOURCE }],
    series: [series],
  };
  change(series, document);
  return document;
};

const event = (overrides: Record<string, unknown>) => ({
  series: 'rules-show',
  slug: 'probe',
  episode: 1,
  sequence: 3,
  kind: 'MOMENT',
  summary: 'A probe.',
  source: SOURCE,
  ...overrides,
});

describeEachStore(
  'One rule set per record: importBatch and the upserts refuse the same things, and write nothing',
  (service) => {
    const yoga = () => writableYoga(service().store);
    const refused = async (field: string, signature: string, variables: Record<string, unknown>): Promise<Issue[]> => {
      const before = await service().store.counts();
      const response = await mutate(yoga(), field, signature, variables, ISSUES);
      expect(response.errors).toBeUndefined();
      expect(response.data![field].__typename).toBe('ValidationError');
      expect(await service().store.counts()).toEqual(before);
      return response.data![field].issues;
    };
    const batch = (document: unknown) => refused('importBatch', BATCH, { document });
    const upsert = (field: string, type: string, input: Record<string, unknown>) =>
      refused(field, `($input: ${type}!)`, { input });
    const accepted = async (field: string, signature: string, variables: Record<string, unknown>) => {
      const response = await mutate(yoga(), field, signature, variables, ISSUES);
      expect(response.errors).toBeUndefined();
      expect(response.data![field].__typename, JSON.stringify(response.data![field].issues)).toMatch(/Success$/);
    };
    const rules = (issues: Issue[]) => issues.map((i) => i.rule);
    const episodeEvents = async (number: number) => {
      const response = await graphql(
        yoga(),
        `{ episode(series: "rules-show", number: ${number}) { events { slug sequence } } }`,
      );
      return response.data!.episode.events.map((e: { slug: string; sequence: number }) => `${e.sequence}:${e.slug}`);
    };

    beforeAll(async () => {
      await accepted('importBatch', BATCH, { document: show() });
    });

    it.each([
      [
        '2^53 episodes',
        (s: any) => {
          s.episodeCount = 2 ** 53;
          s.episodes.push({ number: 2 ** 53, source: SOURCE });
        },
      ],
      [
        '2^53 - 1 episodes',
        (s: any) => {
          s.episodeCount = 2 ** 53 - 1;
          s.episodes.push({ number: 2 ** 53 - 1, source: SOURCE });
        },
      ],
      ['2^31 episodes', (s: any) => (s.episodeCount = 2 ** 31)],
      ['a 90,000-character name', (s: any) => (s.characters[0].name = 'x'.repeat(90_000))],
      ['5,000 aliases', (s: any) => (s.characters[1].aliases = Array.from({ length: 5_000 }, (_, i) => `a${i}`))],
    ])(
      "refuses the red team's document with %s, writes none of it, and every reader keeps working",
      async (_name, change) => {
        await batch(show(change));
        const read = await graphql(
          yoga(),
          '{ allSeries(first: 100) { edges { node { slug episodeCount characters { name aliases } } } } }',
        );
        expect(read.errors).toBeUndefined();
      },
    );

    it.each([
      ['episodeCount', -1, ['document', 'series', '0', 'episodeCount']],
      ['episodeCount', 10_001, ['document', 'series', '0', 'episodeCount']],
      ['releaseYear', 1899, ['document', 'series', '0', 'releaseYear']],
      ['releaseYear', 2025.5, ['document', 'series', '0', 'releaseYear']],
    ])('refuses series.%s = %s in a batch (range)', async (field, value, path) => {
      const issues = await batch(show((s) => (s[field] = value)));
      expect(issues).toContainEqual({
        path,
        message: `must be an integer from ${field === 'episodeCount' ? '0 to 10000' : '1900 to 2100'}`,
        rule: 'range',
      });
    });

    it.each([
      ['an episode number of 0', (s: any) => (s.episodes[0].number = 0), 'series.0.episodes.0', 'number'],
      [
        'a runtime of 0 minutes',
        (s: any) => (s.episodes[0].runtimeMinutes = 0),
        'series.0.episodes.0',
        'runtimeMinutes',
      ],
      [
        'a runtime of a day and a minute',
        (s: any) => (s.episodes[0].runtimeMinutes = 1441),
        'series.0.episodes.0',
        'runtimeMinutes',
      ],
      ['a sequence of 0', (s: any) => (s.events[0].sequence = 0), 'series.0.events.0', 'sequence'],
      ['a sequence of -1', (s: any) => (s.events[0].sequence = -1), 'series.0.events.0', 'sequence'],
      [
        'a paragraph of 0',
        (s: any) => (s.events[0].source = { document: 'Doc', paragraph: 0 }),
        'series.0.events.0',
        'source.paragraph',
      ],
      ['a since of 2^31', (s: any) => (s.relationships[0].since = 2 ** 31), 'series.0.relationships.0', 'since'],
    ])('refuses %s in a batch (range)', async (_name, change, record, field) => {
      const issues = await batch(show(change));
      expect(issues).toContainEqual(
        expect.objectContaining({ path: ['document', ...record.split('.'), ...field.split('.')], rule: 'range' }),
      );
    });

    it('refuses out-of-range numbers in the upserts with the same rule, and numbers beyond Int before they reach it', async () => {
      const series = { slug: 'rules-show', title: 'Rules Show', episodeCount: 10_001, source: SOURCE };
      expect(await upsert('upsertSeries', 'UpsertSeriesInput', series)).toEqual([
        { path: ['input', 'episodeCount'], message: 'must be an integer from 0 to 10000', rule: 'range' },
      ]);
      expect(
        rules(await upsert('upsertEpisode', 'UpsertEpisodeInput', { series: 'rules-show', number: 0, source: SOURCE })),
      ).toEqual(['range']);
      expect(rules(await upsert('upsertPlotEvent', 'UpsertPlotEventInput', event({ sequence: -1 })))).toEqual([
        'range',
      ]);
      const big = await mutate(yoga(), 'upsertEpisode', '($input: UpsertEpisodeInput!)', {
        input: { series: 'rules-show', number: 2 ** 53, source: SOURCE },
      });
      expect(big.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it.each([
      ['longer than 300 characters', 'x'.repeat(301), 'max-length'],
      ['blank once trimmed', ' \t ', 'not-empty'],
      ['only zero-width and direction marks', '\u200b\u200f\u2066', 'visible'],
      ['only the Hangul filler (a letter that draws nothing)', '\u3164', 'visible'],
      ['only halfwidth and jamo Hangul fillers', '\uffa0\u115f\u1160', 'visible'],
      ['only blank braille cells', '\u2800\u2800', 'visible'],
      ['a control character', 'Mi\u0000ra', 'no-control'],
      ['two lines', 'Mi\nra', 'one-line'],
      ['a tab', 'Mi\tra', 'one-line'],
      ['a lone surrogate', 'Mi\ud800ra', 'well-formed'],
    ])('refuses a name %s, in a batch and in an upsert', async (_name, name, rule) => {
      const issues = await batch(show((s) => (s.characters[0].name = name)));
      expect(issues).toEqual([
        expect.objectContaining({ path: ['document', 'series', '0', 'characters', '0', 'name'], rule }),
      ]);
      const input = { series: 'rules-show', slug: 'mira', name, source: SOURCE };
      expect(await upsert('upsertCharacter', 'UpsertCharacterInput', input)).toEqual([
        expect.objectContaining({ path: ['input', 'name'], rule }),
      ]);
    });

    it('refuses a summary over 5,000 characters, and 51 aliases or one alias twice, in a batch and in an upsert', async () => {
      expect(rules(await batch(show((s) => (s.events[0].summary = 's'.repeat(5_001)))))).toEqual(['max-length']);
      expect(
        rules(await upsert('upsertPlotEvent', 'UpsertPlotEventInput', event({ summary: 's'.repeat(5_001) }))),
      ).toEqual(['max-length']);
      const many = Array.from({ length: 51 }, (_, i) => `Alias ${i}`);
      expect(rules(await batch(show((s) => (s.characters[0].aliases = many))))).toEqual(['max-items']);
      expect(
        rules(
          await upsert('upsertCharacter', 'UpsertCharacterInput', {
            series: 'rules-show',
            slug: 'mira',
            name: 'Mira',
            aliases: many,
            source: SOURCE,
          }),
        ),
      ).toEqual(['max-items']);
      const twice = ['Mimi', ' Mimi '];
      expect(await batch(show((s) => (s.characters[0].aliases = twice)))).toEqual([
        {
          path: ['document', 'series', '0', 'characters', '0', 'aliases'],
          message: 'holds "Mimi" twice',
          rule: 'duplicate',
        },
      ]);
      expect(
        rules(
          await upsert('upsertCharacter', 'UpsertCharacterInput', {
            series: 'rules-show',
            slug: 'mira',
            name: 'Mira',
            aliases: twice,
            source: SOURCE,
          }),
        ),
      ).toEqual(['duplicate']);
      const platforms = ['Netflix', 'Netflix'];
      expect(
        rules(
          await upsert('upsertSeries', 'UpsertSeriesInput', {
            slug: 'rules-show',
            title: 'Rules Show',
            episodeCount: 2,
            platforms,
            source: SOURCE,
          }),
        ),
      ).toEqual(['duplicate']);
    });

    it.each([
      ['__proto__'],
      ['constructor-'],
      ['Mira'],
      ['mïra'],
      ['mi\u200bra'],
      ['mi\u0301ra'],
      ['\u202emira'],
      ['m'.repeat(121)],
    ])('refuses %j as a slug, in a batch and in an upsert', async (slug) => {
      expect(rules(await batch(show((s) => (s.characters[2].slug = slug))))).toContainEqual(
        expect.stringMatching(/^(slug|max-length)$/),
      );
      expect(
        rules(
          await upsert('upsertCharacter', 'UpsertCharacterInput', {
            series: 'rules-show',
            slug,
            name: 'Mira',
            source: SOURCE,
          }),
        ),
      ).toEqual([expect.stringMatching(/^(slug|max-length)$/)]);
    });

    it('refuses a source given twice (trimmed, NFC) and over 20 sources with the documented rules, in a batch and in an upsert', async () => {
      const character = (sources: unknown[]) => ({ series: 'rules-show', slug: 'mira', name: 'Mira', sources });
      const twice = [
        { document: 'a', paragraph: 1 },
        { document: ' a ', paragraph: 1 },
      ];
      const composed = [{ document: 'Caf\u00e9' }, { document: 'Cafe\u0301' }];
      const many = Array.from({ length: 21 }, (_, i) => ({ document: `Doc ${i}`, paragraph: 1 }));
      const path = ['document', 'series', '0', 'characters', '0', 'sources'];
      expect(await batch(show((s) => (s.characters[0].sources = twice)))).toEqual([
        { path, message: 'holds "a" paragraph 1 twice', rule: 'duplicate' },
      ]);
      expect(await batch(show((s) => (s.characters[0].sources = composed)))).toEqual([
        expect.objectContaining({ path, rule: 'duplicate' }),
      ]);
      expect(await batch(show((s) => (s.characters[0].sources = many)))).toEqual([
        { path, message: 'must have at most 20 items', rule: 'max-items' },
      ]);
      expect(await upsert('upsertCharacter', 'UpsertCharacterInput', character(twice))).toEqual([
        { path: ['input', 'sources'], message: 'holds "a" paragraph 1 twice', rule: 'duplicate' },
      ]);
      expect(rules(await upsert('upsertCharacter', 'UpsertCharacterInput', character(composed)))).toEqual([
        'duplicate',
      ]);
      expect(await upsert('upsertCharacter', 'UpsertCharacterInput', character(many))).toEqual([
        { path: ['input', 'sources'], message: 'must have at most 20 items', rule: 'max-items' },
      ]);
      const distinct = [{ document: 'a', paragraph: 1 }, { document: 'a', paragraph: 2 }, { document: 'a' }];
      await accepted('upsertCharacter', '($input: UpsertCharacterInput!)', { input: character(distinct) });
    });

    it('reports revision errors at the revisions list, and a wrong type inside one says what was expected', async () => {
      const revisions = [
        { fromEpisode: 1, text: 'One.' },
        { fromEpisode: 1, text: 'Again.' },
      ];
      const character = { series: 'rules-show', slug: 'mira', name: 'Mira', source: SOURCE };
      expect(
        await upsert('upsertCharacter', 'UpsertCharacterInput', { ...character, descriptionRevisions: revisions }),
      ).toEqual([expect.objectContaining({ path: ['input', 'descriptionRevisions', '1', 'fromEpisode'] })]);
      const relationship = { series: 'rules-show', slug: 'mira-joon', kind: 'FRIEND', from: 'mira', to: 'joon' };
      const note = { ...relationship, mutual: true, source: SOURCE, noteRevisions: revisions };
      expect(await upsert('upsertRelationship', 'UpsertRelationshipInput', note)).toEqual([
        expect.objectContaining({ path: ['input', 'noteRevisions', '1', 'fromEpisode'] }),
      ]);
      const wrong = await batch(show((s) => (s.characters[0].description = [{ fromEpisode: '1', text: 'One.' }])));
      expect(wrong).toEqual([expect.objectContaining({ rule: 'invalid_type' })]);
      expect(wrong[0]!.path.at(-1)).toBe('fromEpisode');
      expect(wrong[0]!.message).toMatch(/expected number/);
      const neither = await batch(show((s) => (s.characters[0].description = 5)));
      expect(neither).toEqual([
        expect.objectContaining({
          message: 'must be a text, or a list of { fromEpisode, text }',
          rule: 'invalid_type',
        }),
      ]);
    });

    it('refuses a firstEpisode beyond the series or below 1, in a batch and in an upsert, and takes one within it', async () => {
      const field = (issues: Issue[]) => issues.map((i) => i.path.at(-1));
      const late = show((s) => {
        s.characters[0].firstEpisode = 3;
      });
      expect(field(await batch(late))).toContain('firstEpisode');
      const character = { series: 'rules-show', slug: 'mira', name: 'Mira', source: SOURCE };
      const beyond = await upsert('upsertCharacter', 'UpsertCharacterInput', { ...character, firstEpisode: 3 });
      expect(field(beyond)).toEqual(['firstEpisode']);
      expect(beyond[0]!.message).toContain('episodeCount of 2');
      for (const below of [0, -1]) {
        const issues = await upsert('upsertCharacter', 'UpsertCharacterInput', { ...character, firstEpisode: below });
        expect(rules(issues)).toEqual(['range']);
      }
      await accepted('upsertCharacter', '($input: UpsertCharacterInput!)', {
        input: { ...character, firstEpisode: 2 },
      });
      await accepted('upsertCharacter', '($input: UpsertCharacterInput!)', { input: character });
    });

    it('refuses __proto__ as a key of a record or of the document', async () => {
      const withProto = JSON.parse(
        JSON.stringify(show()).replace('"slug":"mira"', '"__proto__":{"admin":true},"slug":"mira"'),
      );
      expect(rules(await batch(withProto))).toEqual(['unrecognized_keys']);
      const atTop = JSON.parse(JSON.stringify(show()).replace('{"format"', '{"__proto__":{"polluted":true},"format"'));
      expect(rules(await batch(atTop))).toEqual(['unrecognized_keys']);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
    });

    it('refuses __proto__ written inside the query as it refuses it in a variable, at the top and in a record', async () => {
      const literal = (value: unknown): string =>
        Array.isArray(value)
          ? `[${value.map(literal).join(', ')}]`
          : value !== null && typeof value === 'object'
            ? `{ ${Object.entries(value)
                .map(([key, v]) => `${key}: ${literal(v)}`)
                .join(', ')} }`
            : JSON.stringify(value);
      const inQuery = async (document: unknown) => {
        const before = await service().store.counts();
        const response = await graphql(
          yoga(),
          `mutation { importBatch(document: ${literal(document)}) { __typename ${ISSUES} } }`,
          {},
          WRITERS.bearer('admin'),
        );
        expect(response.errors).toBeUndefined();
        expect(response.data!.importBatch.__typename).toBe('ValidationError');
        expect(await service().store.counts()).toEqual(before);
        return rules(response.data!.importBatch.issues);
      };
      // The red team's case: the records behind __proto__, so that no check saw them, were written.
      const hidden = JSON.parse(
        `{"format":"drama-graph/seed@1","__proto__":{"people":[{"slug":"proto-lit","name":"Proto Lit","source":${JSON.stringify(SOURCE)}}]}}`,
      );
      expect(await inQuery(hidden)).toEqual(['unrecognized_keys']);
      const inRecord = JSON.parse(
        JSON.stringify(show()).replace('"slug":"mira"', '"__proto__":{"nativeName":"Hidden"},"slug":"mira"'),
      );
      expect(await inQuery(inRecord)).toEqual(['unrecognized_keys']);
      expect(({} as Record<string, unknown>).people).toBeUndefined();
      // The same document without __proto__, as a literal, is written.
      const plain = await graphql(
        yoga(),
        `mutation { importBatch(document: ${literal(show())}) { __typename } }`,
        {},
        WRITERS.bearer('admin'),
      );
      expect(plain.data!.importBatch.__typename).toBe('ImportBatchSuccess');
    });

    it('trims text, and keeps combining marks, right-to-left text and joiners exactly', async () => {
      const names = ['Zoe\u0308 Kim', 'مريم', '\u202bאבי\u202c', '👩‍👩‍👧 Family', 'Ha\u200dna'];
      await accepted('upsertCharacter', '($input: UpsertCharacterInput!)', {
        input: {
          series: 'rules-show',
          slug: 'sol',
          name: `  ${names[0]}\t`,
          nativeName: names[1],
          aliases: names.slice(2).map((n) => ` ${n} `),
          source: SOURCE,
        },
      });
      const read = await graphql(
        yoga(),
        '{ character(series: "rules-show", slug: "sol") { name nativeName aliases } }',
      );
      expect(read.data!.character).toEqual({ name: names[0], nativeName: names[1], aliases: names.slice(2) });
    });

    it('refuses a casting or a credit given twice in one batch, instead of keeping only the last', async () => {
      const castings = [
        { person: 'rules-star', character: 'mira', billing: 'MAIN', source: SOURCE },
        { person: 'rules-star', character: 'mira', billing: 'GUEST', source: SOURCE },
      ];
      expect(await batch(show((s) => (s.castings = castings)))).toEqual([
        {
          path: ['document', 'series', '0', 'castings', '1'],
          message:
            '"rules-show/mira@rules-star" is given twice: a casting of one character by one person names one record',
          rule: 'duplicate',
        },
      ]);
      const credits = [
        { person: 'rules-star', role: 'WRITER', source: SOURCE },
        { person: 'rules-star', role: 'WRITER', source: { document: 'Other' } },
      ];
      expect(rules(await batch(show((s) => (s.credits = credits))))).toEqual(['duplicate']);
      expect(
        rules(await batch(show((s) => s.characters.push({ slug: 'mira', name: 'Mira Two', source: SOURCE })))),
      ).toEqual(['duplicate']);
      expect(
        rules(
          await batch(show((_s, d) => d.people.push({ slug: 'rules-star', name: 'Another Star', source: SOURCE }))),
        ),
      ).toEqual(['duplicate']);
    });

    it('refuses one character in two roles of an event, in a batch and in an upsert', async () => {
      const twoRoles = await batch(show((s) => s.events[0].participants.push({ character: 'mira', role: 'WITNESS' })));
      expect(twoRoles).toEqual([
        {
          path: ['document', 'series', '0', 'events', '0', 'participants', '1', 'character'],
          message: 'character "rules-show/mira" already takes part as AGENT: one character holds one role in an event',
          rule: 'one-role-per-character',
        },
      ]);
      const agentIsTarget = (s: any) =>
        Object.assign(s.events[0], {
          target: 'mira',
          participants: [
            { character: 'mira', role: 'AGENT' },
            { character: 'mira', role: 'TARGET' },
          ],
        });
      expect(rules(await batch(show(agentIsTarget)))).toEqual(['one-role-per-character']);
      expect(
        await upsert(
          'upsertPlotEvent',
          'UpsertPlotEventInput',
          event({ agent: 'mira', participants: [{ character: 'mira', role: 'WITNESS' }] }),
        ),
      ).toEqual([
        expect.objectContaining({ path: ['input', 'participants', '0', 'character'], rule: 'one-role-per-character' }),
      ]);
      expect(await upsert('upsertPlotEvent', 'UpsertPlotEventInput', event({ agent: 'joon', target: 'joon' }))).toEqual(
        [expect.objectContaining({ path: ['input', 'target'], rule: 'one-role-per-character' })],
      );
      const witnessTwice = [
        { character: 'sol', role: 'WITNESS' },
        { character: 'sol', role: 'PRESENT' },
      ];
      expect(
        rules(await upsert('upsertPlotEvent', 'UpsertPlotEventInput', event({ participants: witnessTwice }))),
      ).toEqual(['one-role-per-character']);
    });

    it('refuses a relationship that begins and ends in the same episode, in a batch and in an upsert', async () => {
      expect(await batch(show((s) => Object.assign(s.relationships[0], { since: 2, until: 2 })))).toEqual([
        {
          path: ['document', 'series', '0', 'relationships', '0', 'until'],
          message: 'begins and ends in episode 2, so it holds in no episode: until must come after since',
          rule: 'until-after-since',
        },
      ]);
      const input = {
        series: 'rules-show',
        slug: 'mira-joon',
        kind: 'FRIEND',
        from: 'mira',
        to: 'joon',
        mutual: true,
        since: 1,
        until: 1,
        source: SOURCE,
      };
      expect(await upsert('upsertRelationship', 'UpsertRelationshipInput', input)).toEqual([
        expect.objectContaining({ path: ['input', 'until'], rule: 'until-after-since' }),
      ]);
    });

    it('refuses a revealedIn below 1, beyond the series, before since or of the wrong type, in a batch and in an upsert', async () => {
      const last = (issues: Issue[]) => issues.map((i) => [i.path.at(-1), i.rule]);
      const input = {
        series: 'rules-show',
        slug: 'mira-sol',
        kind: 'RIVAL',
        from: 'mira',
        to: 'sol',
        mutual: true,
        since: 2,
        source: SOURCE,
      };
      const inBatch = (revealedIn: unknown) =>
        batch(show((s) => s.relationships.push({ ...input, series: undefined, revealedIn })));
      for (const bad of [0, -1, 10_001])
        expect(
          last(await upsert('upsertRelationship', 'UpsertRelationshipInput', { ...input, revealedIn: bad })),
        ).toEqual([['revealedIn', 'range']]);
      for (const bad of [2 ** 31, 1.5, '2']) {
        const typed = await mutate(yoga(), 'upsertRelationship', '($input: UpsertRelationshipInput!)', {
          input: { ...input, revealedIn: bad },
        });
        expect(typed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      }
      for (const bad of [0, -1, 10_001, 2 ** 53, '2', true, { __proto__: 2 }])
        expect(last(await inBatch(bad)).map(([field]) => field)).toEqual(['revealedIn']);
      const beyond = await upsert('upsertRelationship', 'UpsertRelationshipInput', { ...input, revealedIn: 3 });
      expect(last(beyond)).toEqual([['revealedIn', expect.any(String)]]);
      expect(beyond[0]!.message).toContain('episodeCount of 2');
      expect(last(await inBatch(3))).toEqual([['revealedIn', expect.any(String)]]);
      const early = { ...input, revealedIn: 1 };
      expect(await upsert('upsertRelationship', 'UpsertRelationshipInput', early)).toEqual([
        {
          path: ['input', 'revealedIn'],
          message:
            'revealed in episode 1, before it begins in episode 2: a viewer learns of it when it begins at the earliest',
          rule: 'revealed-after-since',
        },
      ]);
      expect(rules(await inBatch(1))).toEqual(['revealed-after-since']);
      await accepted('upsertRelationship', '($input: UpsertRelationshipInput!)', {
        input: { ...input, since: null, revealedIn: 2 },
      });
      const series = { slug: 'rules-show', title: 'Rules Show', episodeCount: 1, source: SOURCE };
      const shortened = await upsert('upsertSeries', 'UpsertSeriesInput', series);
      expect(shortened.map((i) => i.message).join(' ')).toContain('relationship "mira-sol" is revealed in episode 2');
      await accepted('deleteRelationship', '($series: String!, $slug: String!)', {
        series: 'rules-show',
        slug: 'mira-sol',
      });
    });

    it("refuses a gap in an episode's sequences, in a batch whether or not the episode is stored, and in an upsert", async () => {
      const gap = (s: any) => s.events.push({ ...s.events[0], slug: 'later', episode: 2, sequence: 2 });
      expect(await batch(show(gap))).toEqual([
        {
          path: ['document', 'series', '0', 'events', '2', 'sequence'],
          message: 'episode "rules-show/2" would have no event at sequence 1: sequences run 1..N without gaps',
          rule: 'sequence-gap',
        },
      ]);
      const afterStored = {
        ...show(),
        series: [{ ...show().series[0], events: [{ ...show().series[0].events[0], slug: 'fourth', sequence: 4 }] }],
      };
      expect(rules(await batch(afterStored))).toEqual(['sequence-gap']);
      expect(await upsert('upsertPlotEvent', 'UpsertPlotEventInput', event({ sequence: 4 }))).toEqual([
        {
          path: ['input', 'sequence'],
          message: 'episode "rules-show/1" would have no event at sequence 3: sequences run 1..N without gaps',
          rule: 'sequence-gap',
        },
      ]);
      expect(rules(await upsert('upsertPlotEvent', 'UpsertPlotEventInput', event({ sequence: 1 })))).toEqual([
        'sequence-taken',
      ]);
      expect(await episodeEvents(1)).toEqual(['1:moment-1', '2:moment-2']);
    });

    it('lets a single write append, refuses a delete or move that leaves a gap, and lets a batch renumber an episode', async () => {
      await accepted('upsertPlotEvent', '($input: UpsertPlotEventInput!)', {
        input: event({ slug: 'third', sequence: 3 }),
      });
      expect(await episodeEvents(1)).toEqual(['1:moment-1', '2:moment-2', '3:third']);
      const remove = await refused('deletePlotEvent', '($series: String!, $slug: String!)', {
        series: 'rules-show',
        slug: 'moment-2',
      });
      expect(remove).toEqual([expect.objectContaining({ path: [], rule: 'sequence-gap' })]);
      expect(remove[0]!.message).toContain('episode "rules-show/1" would have no event at sequence 2');
      expect(
        rules(
          await upsert('upsertPlotEvent', 'UpsertPlotEventInput', event({ slug: 'moment-1', sequence: 1, episode: 2 })),
        ),
      ).toEqual(['sequence-gap']);
      const renumbered = show((s) => {
        s.events = [
          { ...s.events[1], sequence: 1 },
          { ...s.events[0], sequence: 3 },
          { slug: 'third', episode: 1, sequence: 2, kind: 'MOMENT', summary: 'A probe.', source: SOURCE },
        ];
      });
      await accepted('importBatch', BATCH, { document: renumbered });
      expect(await episodeEvents(1)).toEqual(['1:moment-2', '2:third', '3:moment-1']);
      await accepted('deletePlotEvent', '($series: String!, $slug: String!)', {
        series: 'rules-show',
        slug: 'moment-1',
      });
      expect(await episodeEvents(1)).toEqual(['1:moment-2', '2:third']);
    });

    it('stores and reads back records at every limit, in multi-byte text', async () => {
      const text = (n: number) => '한'.repeat(n);
      const aliases = Array.from({ length: 50 }, (_, i) => `${i}${text(300 - String(i).length)}`);
      await accepted('upsertCharacter', '($input: UpsertCharacterInput!)', {
        input: {
          series: 'rules-show',
          slug: 'm'.repeat(120),
          name: text(300),
          nativeName: text(300),
          aliases,
          description: text(5_000),
          source: { document: text(300), paragraph: 100_000 },
        },
      });
      const read = await graphql(
        yoga(),
        `{ character(series: "rules-show", slug: "${'m'.repeat(120)}") { name aliases } }`,
      );
      expect(read.data!.character).toEqual({ name: text(300), aliases });
      const series = {
        slug: 'rules-long',
        title: text(300),
        episodeCount: 10_000,
        releaseYear: 2100,
        platforms: aliases,
        source: SOURCE,
      };
      await accepted('upsertSeries', '($input: UpsertSeriesInput!)', { input: series });
      await accepted('upsertEpisode', '($input: UpsertEpisodeInput!)', {
        input: { series: 'rules-long', number: 10_000, runtimeMinutes: 1_440, source: SOURCE },
      });
      const all = await graphql(
        yoga(),
        '{ allSeries(first: 100) { edges { node { slug episodeCount } } } episode(series: "rules-long", number: 10000) { number runtimeMinutes } }',
      );
      expect(all.errors).toBeUndefined();
      expect(all.data!.episode).toEqual({ number: 10_000, runtimeMinutes: 1_440 });
      await accepted('deleteSeries', '($slug: String!, $cascade: Boolean)', { slug: 'rules-long', cascade: true });
    });

    it('writes nothing of a large batch when its last record breaks one rule', async () => {
      const large = show((s) => {
        s.characters.push(
          ...Array.from({ length: 200 }, (_, i) => ({ slug: `extra-${i}`, name: `Extra ${i}`, source: SOURCE })),
        );
        s.characters.at(-1).aliases = ['x'.repeat(301)];
      });
      expect(rules(await batch(large))).toEqual(['max-length']);
      const read = await graphql(yoga(), '{ character(series: "rules-show", slug: "extra-0") { slug } }');
      expect(read.data!.character).toBeNull();
    });
  },
);
