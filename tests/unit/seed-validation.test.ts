import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type SeedIssue, SeedValidationError } from '../../src/errors.js';
import { loadSeedDirectory, parseSeedText } from '../../src/seed/load.js';

const seedText = readFile(new URL('../../seeds/soundtrack-1.json', import.meta.url), 'utf8');
const mutated = async (change: (seed: any) => void) => {
  const seed = JSON.parse(await seedText);
  change(seed);
  return JSON.stringify(seed);
};

function issuesOf(run: () => unknown): SeedIssue[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SeedValidationError);
    expect((error as SeedValidationError).extensions.code).toBe('INVALID_SEED');
    return (error as SeedValidationError).issues;
  }
  throw new Error('the seed was accepted');
}

describe('seed validation names the file, the record and the field', () => {
  it.each([
    [
      'a summary left empty',
      (s: any) => (s.series[0].events[2].summary = ''),
      'series.0.events "eun-soo-sends-food-photos"',
      'summary',
    ],
    [
      'an unknown event kind',
      (s: any) => (s.series[0].events[0].kind = 'DANCE'),
      'series.0.events "sun-woo-goes-away"',
      'kind',
    ],
    [
      'a slug that is not kebab-case',
      (s: any) => (s.series[0].characters[0].slug = 'Eun Soo'),
      'series.0.characters "Eun Soo"',
      'slug',
    ],
    ['an unknown field', (s: any) => (s.series[0].episodes[3].length = 53), 'series.0.episodes 4', '(record)'],
    [
      'an agent who is not a character',
      (s: any) => (s.series[0].events[10].agent = 'nobody'),
      'series "soundtrack-1" event "woo-il-confesses"',
      'agent',
    ],
    [
      'an event in an episode that does not exist',
      (s: any) => (s.series[0].events[0].episode = 7),
      'series "soundtrack-1" event "sun-woo-goes-away"',
      'episode',
    ],
    [
      'a relationship that ends before it begins',
      (s: any) => Object.assign(s.series[0].relationships[1], { since: 4, until: 2 }),
      'series "soundtrack-1" relationship "eun-soo-sun-woo-romance"',
      'until',
    ],
    [
      'a casting of an unknown person',
      (s: any) => (s.series[0].castings[0].person = 'nobody'),
      'series "soundtrack-1" casting "nobody->eun-soo"',
      'person',
    ],
    [
      'two events at the same place in the story',
      (s: any) => (s.series[0].events[1].sequence = 1),
      'series "soundtrack-1" event "eun-soo-works-on-her-song"',
      'sequence',
    ],
  ])('refuses %s', async (_name, change, record, field) => {
    const text = await mutated(change);
    const issues = issuesOf(() => parseSeedText('broken.json', text));
    expect(issues).toContainEqual(expect.objectContaining({ file: 'broken.json', record, field }));
  });

  it('refuses a file that is not JSON', () => {
    expect(issuesOf(() => parseSeedText('broken.json', '{ "format": '))).toEqual([
      expect.objectContaining({ file: 'broken.json', record: '(file)', field: '(json)' }),
    ]);
  });

  it('accepts the real seed', async () => {
    expect(parseSeedText('soundtrack-1.json', await seedText).series[0]?.events).toHaveLength(34);
  });
});

describe('seed files obey the same record rules as every write (domain/rules.ts)', () => {
  const S = 'series "soundtrack-1"';
  it.each([
    [
      '2^53 episodes',
      (s: any) => (s.series[0].episodeCount = 2 ** 53),
      'series "soundtrack-1"',
      'episodeCount',
      'range',
    ],
    [
      '2^53 - 1 as an episode number',
      (s: any) => (s.series[0].episodes[0].number = 2 ** 53 - 1),
      'series.0.episodes 9007199254740991',
      'number',
      'range',
    ],
    [
      '-1 as a sequence',
      (s: any) => (s.series[0].events[0].sequence = -1),
      'series.0.events "sun-woo-goes-away"',
      'sequence',
      'range',
    ],
    [
      '0 as a paragraph',
      (s: any) => (s.series[0].events[0].source.paragraph = 0),
      'series.0.events "sun-woo-goes-away"',
      'source.paragraph',
      'range',
    ],
    [
      'a 90,000-character name',
      (s: any) => (s.series[0].characters[0].name = 'x'.repeat(90_000)),
      'series.0.characters "eun-soo"',
      'name',
      'max-length',
    ],
    [
      '5,000 aliases',
      (s: any) => (s.series[0].characters[0].aliases = Array.from({ length: 5_000 }, (_, i) => `a${i}`)),
      'series.0.characters "eun-soo"',
      'aliases',
      'max-items',
    ],
    [
      'an alias twice once trimmed',
      (s: any) => (s.series[0].characters[0].aliases = ['Soo', 'Soo ']),
      'series.0.characters "eun-soo"',
      'aliases',
      'duplicate',
    ],
    [
      'a platform twice',
      (s: any) => s.series[0].platforms.push(s.series[0].platforms[0]),
      'series "soundtrack-1"',
      'platforms',
      'duplicate',
    ],
    [
      'a name of zero-width spaces',
      (s: any) => (s.series[0].characters[0].name = '\u200b\u200b'),
      'series.0.characters "eun-soo"',
      'name',
      'visible',
    ],
    [
      'a name with a lone surrogate',
      (s: any) => (s.series[0].characters[0].name = 'Eun\udc00soo'),
      'series.0.characters "eun-soo"',
      'name',
      'well-formed',
    ],
    [
      'a name with a NUL',
      (s: any) => (s.series[0].characters[0].name = 'Eun\u0000soo'),
      'series.0.characters "eun-soo"',
      'name',
      'no-control',
    ],
    [
      'a slug with a combining mark',
      (s: any) => (s.series[0].characters[2].slug = 'woo-i\u0301l'),
      'series.0.characters "woo-i\u0301l"',
      'slug',
      'slug',
    ],
    ['__proto__ as a slug', (s: any) => (s.people[0].slug = '__proto__'), 'people "__proto__"', 'slug', 'slug'],
    [
      'a casting given twice',
      (s: any) => s.series[0].castings.push({ ...s.series[0].castings[0], billing: 'GUEST' }),
      `${S} casting "han-so-hee->eun-soo"`,
      '(record)',
      'duplicate',
    ],
    [
      'one character in two roles of an event',
      (s: any) => s.series[0].events[1].participants.push({ character: 'eun-soo', role: 'WITNESS' }),
      `${S} event "eun-soo-works-on-her-song"`,
      'participants[2].character',
      'one-role-per-character',
    ],
    [
      'a gap in the sequences',
      (s: any) => s.series[0].events.splice(0, 1),
      `${S} event "eun-soo-works-on-her-song"`,
      'sequence',
      'sequence-gap',
    ],
    [
      'an event numbered past the end',
      (s: any) => (s.series[0].events[33].sequence = 40),
      `${S} event "epilogue-friends-watch-the-couple"`,
      'sequence',
      'sequence-gap',
    ],
    [
      'since == until',
      (s: any) => Object.assign(s.series[0].relationships[1], { since: 4, until: 4 }),
      `${S} relationship "eun-soo-sun-woo-romance"`,
      'until',
      'until-after-since',
    ],
  ])('refuses %s, naming the record, the field and the rule', async (_name, change, record, field, rule) => {
    const text = await mutated(change);
    expect(issuesOf(() => parseSeedText('broken.json', text))).toContainEqual(
      expect.objectContaining({ file: 'broken.json', record, field, rule }),
    );
  });

  it.each([
    ['1e400 (Infinity once parsed)', '1e400', 'invalid_type'],
    ['"NaN"', '"NaN"', 'invalid_type'],
    ['"4"', '"4"', 'invalid_type'],
    ['4.5', '4.5', 'range'],
    ['-0.5', '-0.5', 'range'],
  ])('refuses %s as an episodeCount', async (_name, json, rule) => {
    const text = (await seedText).replace('"episodeCount": 4', `"episodeCount": ${json}`);
    expect(text).toContain(`"episodeCount": ${json}`);
    expect(issuesOf(() => parseSeedText('broken.json', text))).toContainEqual(
      expect.objectContaining({ record: 'series "soundtrack-1"', field: 'episodeCount', rule }),
    );
  });

  it('says so in the error message too', async () => {
    const text = await mutated((s) => Object.assign(s.series[0].relationships[1], { since: 4, until: 4 }));
    expect(() => parseSeedText('broken.json', text)).toThrow(
      'broken.json: series "soundtrack-1" relationship "eun-soo-sun-woo-romance": until: begins and ends in episode 4, so it holds in no episode: until must come after since [until-after-since]',
    );
  });

  it('trims text as it loads', async () => {
    const seed = parseSeedText('padded.json', await mutated((s) => (s.series[0].characters[0].name = '  Eun-soo\t')));
    expect(seed.series[0]!.characters[0]!.name).toBe('Eun-soo');
  });
});

describe('a directory with one bad file', () => {
  let dir: string | undefined;
  afterEach(async () => dir && rm(dir, { recursive: true, force: true }));

  it('refuses a person or a series declared again by a later file', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'drama-graph-seeds-'));
    await writeFile(path.join(dir, 'a.json'), await seedText);
    await writeFile(path.join(dir, 'b.json'), await mutated((s) => (s.series[0].title = 'Another Soundtrack')));
    const error = await loadSeedDirectory(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SeedValidationError);
    expect((error as SeedValidationError).issues).toContainEqual({
      file: 'b.json',
      record: 'person "han-so-hee"',
      field: 'slug',
      message: 'is already declared in a.json: each record is given once',
      rule: 'duplicate',
    });
    expect((error as SeedValidationError).issues).toContainEqual(
      expect.objectContaining({ file: 'b.json', record: 'series "soundtrack-1"', rule: 'duplicate' }),
    );
  });

  it('loads nothing at all, and reports every bad file', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'drama-graph-seeds-'));
    await writeFile(path.join(dir, 'a-good.json'), await seedText);
    await writeFile(
      path.join(dir, 'b-bad.json'),
      await mutated((s) => {
        s.series[0].slug = 'other-show';
        s.series[0].events[0].target = 'ghost';
      }),
    );
    await writeFile(path.join(dir, 'c-bad.json'), '[]');
    const error = await loadSeedDirectory(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SeedValidationError);
    expect((error as SeedValidationError).issues.map((i) => i.file)).toEqual(
      expect.arrayContaining(['b-bad.json', 'c-bad.json']),
    );
    expect((error as SeedValidationError).issues.some((i) => i.file === 'a-good.json')).toBe(false);
  });
});
