import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generatePeople } from '../../src/generate/people.js';
import { EPISODES_PER_SERIES, generateSeries } from '../../src/generate/series.js';
import { PEOPLE_FILE, writeCatalogue } from '../../src/generate/write.js';
import { loadSeedDirectory } from '../../src/seed/load.js';

const dirs: string[] = [];
async function generate(series: number, seed: number): Promise<string> {
  const out = await mkdtemp(path.join(tmpdir(), 'drama-gen-'));
  dirs.push(out);
  await writeCatalogue({ series, seed, out });
  return out;
}

async function contents(dir: string): Promise<Record<string, string>> {
  const names = (await readdir(dir)).sort();
  return Object.fromEntries(
    await Promise.all(names.map(async (n) => [n, await readFile(path.join(dir, n), 'utf8')] as const)),
  );
}

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('generated catalogues', () => {
  it('are byte-identical for the same seed and differ for another', async () => {
    const a = await contents(await generate(3, 42));
    const b = await contents(await generate(3, 42));
    const c = await contents(await generate(3, 43));
    expect(Object.keys(a)).toEqual([PEOPLE_FILE, 'series-0001.json', 'series-0002.json', 'series-0003.json']);
    expect(b).toEqual(a);
    expect(c['series-0001.json']).not.toEqual(a['series-0001.json']);
    expect(c[PEOPLE_FILE]).not.toEqual(a[PEOPLE_FILE]);
  });

  it('validate with loadSeedDirectory', async () => {
    const document = await loadSeedDirectory(await generate(4, 1));
    expect(document.series).toHaveLength(4);
    expect(document.episodes).toHaveLength(4 * EPISODES_PER_SERIES);
  });

  it('have the shape of a real catalogue', () => {
    const people = generatePeople(5, 10);
    const all = Array.from({ length: 10 }, (_, i) => generateSeries(5, i + 1, people));
    const castPeople = new Map<string, number>();
    for (const series of all) {
      expect(series.episodes).toHaveLength(16);
      expect(series.characters.length).toBeGreaterThanOrEqual(25);
      expect(series.characters.length).toBeLessThanOrEqual(35);
      expect(series.castings).toHaveLength(series.characters.length);
      expect(series.credits.map((c) => c.role).sort()).toEqual(['DIRECTOR', 'WRITER']);
      const perEpisode = series.episodes.map((e) => series.events.filter((ev) => ev.episode === e.number));
      for (const events of perEpisode) {
        expect(events.length).toBeGreaterThanOrEqual(20);
        expect(events.length).toBeLessThanOrEqual(30);
        expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
      }
      for (const event of series.events) {
        expect(event.participants.length).toBeGreaterThanOrEqual(2);
        expect(event.participants.length).toBeLessThanOrEqual(4);
        const role = (r: string) => event.participants.filter((p) => p.role === r).map((p) => p.character);
        expect(role('AGENT')).toEqual(event.agent === null ? [] : [event.agent]);
        expect(role('TARGET')).toEqual(event.target === null ? [] : [event.target]);
      }
      const kinds = new Set(series.relationships.map((r) => r.kind));
      expect(kinds).toContain('ROMANTIC');
      expect(series.relationships.some((r) => r.kind === 'ROMANTIC' && r.since !== null && r.since > 1)).toBe(true);
      for (const c of series.castings) castPeople.set(c.person, (castPeople.get(c.person) ?? 0) + 1);
    }
    expect([...castPeople.values()].some((n) => n > 1)).toBe(true);
  });
});
