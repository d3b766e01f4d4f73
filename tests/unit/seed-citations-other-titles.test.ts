import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { seedFileSchema } from '../../src/seed/format.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sourcePath = path.resolve(repoRoot, '../shared/source/000_9eb46ba2af986841.txt');
const FILES = readdirSync(path.join(repoRoot, 'seeds'))
  .filter((f) => f.endsWith('.json') && f !== 'soundtrack-1.json')
  .sort();
const MIN_SHARED_RUN = 6;

const words = (text: string) =>
  text
    .toLowerCase()
    .replace(/[-\u2010-\u2015'\u2018\u2019]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
const runs = (text: string) => {
  const tokens = words(text);
  return new Set(
    tokens
      .slice(0, Math.max(tokens.length - MIN_SHARED_RUN + 1, 0))
      .map((_, i) => tokens.slice(i, i + MIN_SHARED_RUN).join(' ')),
  );
};

const sourceText = existsSync(sourcePath) ? readFileSync(sourcePath, 'utf8') : null;

describe.skipIf(sourceText === null)('seeds of the other titles the recap names', () => {
  const paragraphs = (sourceText ?? '').split(/\r?\n/).filter((line) => line.trim() !== '');
  const sourceRuns = runs(sourceText ?? '');
  const seeds = FILES.map((file) => ({
    file,
    seed: seedFileSchema.parse(JSON.parse(readFileSync(path.join(repoRoot, 'seeds', file), 'utf8'))),
  }));

  it('seeds the three dramas the recap gives facts about', () => {
    expect(FILES).toEqual(['godspeed.json', 'the-time-travelers-wife.json', 'wrong-side-of-the-tracks.json']);
  });

  it('cites, for each series and character, an existing paragraph that names it', () => {
    for (const { file, seed } of seeds) {
      for (const series of seed.series) {
        const cited = [
          { name: series.title.replace(/'/g, '’'), alt: series.title, sources: series.sources },
          ...series.characters.map((c) => ({ name: c.name, alt: c.name, sources: c.sources })),
        ];
        for (const { name, alt, sources } of cited) {
          expect(sources.length, `${file}: ${name} cites nothing`).toBeGreaterThan(0);
          for (const source of sources) {
            const paragraph = paragraphs[(source.paragraph ?? 0) - 1];
            expect(paragraph, `${file}: ${name} cites paragraph ${source.paragraph}`).toBeDefined();
            expect(
              paragraph!.includes(name) || paragraph!.includes(alt),
              `${file}: paragraph ${source.paragraph} names ${name}`,
            ).toBe(true);
          }
        }
      }
    }
  });

  it('cites an existing paragraph in every source of every person, episode, casting and credit', () => {
    for (const { file, seed } of seeds) {
      const records = [
        ...seed.people.map((p) => ({ where: `person ${p.slug}`, sources: p.sources })),
        ...seed.series.flatMap((s) => [
          ...s.episodes.map((e) => ({ where: `episode ${e.number}`, sources: e.sources })),
          ...s.castings.map((c) => ({ where: `casting ${c.character}`, sources: c.sources })),
          ...s.credits.map((c) => ({ where: `credit ${c.person}`, sources: c.sources })),
        ]),
      ];
      for (const { where, sources } of records) {
        for (const source of sources) {
          expect(source.paragraph, `${file}: ${where}`).toBeGreaterThanOrEqual(1);
          expect(source.paragraph, `${file}: ${where}`).toBeLessThanOrEqual(paragraphs.length);
        }
      }
    }
  });

  it(`shares no run of ${MIN_SHARED_RUN} words with the recap`, () => {
    const texts = seeds.flatMap(({ seed }) =>
      seed.series.flatMap((s) =>
        s.characters.flatMap((c) => [...c.description.map((r) => r.text), ...c.basis.map((r) => r.text)]),
      ),
    );
    expect(texts.length).toBeGreaterThan(0);
    expect(texts.flatMap((text) => [...runs(text)].filter((run) => sourceRuns.has(run)))).toEqual([]);
  });
});
