import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SeedValidationError, type SeedIssue } from '../../src/errors.js';
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
    ['a summary left empty', (s: any) => (s.series[0].events[2].summary = ''), 'series.0.events "eun-soo-sends-food-photos"', 'summary'],
    ['an unknown event kind', (s: any) => (s.series[0].events[0].kind = 'DANCE'), 'series.0.events "sun-woo-goes-away"', 'kind'],
    ['a slug that is not kebab-case', (s: any) => (s.series[0].characters[0].slug = 'Eun Soo'), 'series.0.characters "Eun Soo"', 'slug'],
    ['an unknown field', (s: any) => (s.series[0].episodes[3].length = 53), 'series.0.episodes 4', '(record)'],
    ['an agent who is not a character', (s: any) => (s.series[0].events[10].agent = 'nobody'), 'series "soundtrack-1" event "woo-il-confesses"', 'agent'],
    ['an event in an episode that does not exist', (s: any) => (s.series[0].events[0].episode = 7), 'series "soundtrack-1" event "sun-woo-goes-away"', 'episode'],
    ['a relationship that ends before it begins', (s: any) => Object.assign(s.series[0].relationships[1], { since: 4, until: 2 }), 'series "soundtrack-1" relationship "eun-soo-sun-woo-romance"', 'until'],
    ['a casting of an unknown person', (s: any) => (s.series[0].castings[0].person = 'nobody'), 'series "soundtrack-1" casting "nobody->eun-soo"', 'person'],
    ['two events at the same place in the story', (s: any) => (s.series[0].events[1].sequence = 1), 'series "soundtrack-1" event "eun-soo-works-on-her-song"', 'sequence'],
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

describe('a directory with one bad file', () => {
  let dir: string | undefined;
  afterEach(async () => dir && rm(dir, { recursive: true, force: true }));

  it('loads nothing at all, and reports every bad file', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'drama-graph-seeds-'));
    await writeFile(path.join(dir, 'a-good.json'), await seedText);
    await writeFile(path.join(dir, 'b-bad.json'), await mutated((s) => (s.series[0].slug = 'other-show', s.series[0].events[0].target = 'ghost')));
    await writeFile(path.join(dir, 'c-bad.json'), '[]');
    const error = await loadSeedDirectory(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SeedValidationError);
    expect((error as SeedValidationError).issues.map((i) => i.file)).toEqual(expect.arrayContaining(['b-bad.json', 'c-bad.json']));
    expect((error as SeedValidationError).issues.some((i) => i.file === 'a-good.json')).toBe(false);
  });
});
