import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SEED_FORMAT } from '../seed/format.js';
import { pad } from './names.js';
import { generatePeople } from './people.js';
import { generateSeries } from './series.js';

export interface GenerateOptions {
  series: number;
  seed: number;
  out: string;
}

export interface GenerateStep {
  done: number;
  total: number;
}

export interface GenerateSummary {
  files: number;
  people: number;
  series: number;
  episodes: number;
  characters: number;
  relationships: number;
  events: number;
  bytes: number;
}

/** The people file sorts first (loadSeedDirectory reads files in name order), so later files may cast them. */
export const PEOPLE_FILE = '0-people.json';

export function seriesFile(index: number): string {
  return `series-${pad(index, 4)}.json`;
}

export function defaultOutDir(series: number, seed: number): string {
  return path.join('generated', `catalogue-${series}-${seed}`);
}

async function writeJson(file: string, value: unknown): Promise<number> {
  const text = `${JSON.stringify(value)}\n`;
  await writeFile(file, text);
  return Buffer.byteLength(text);
}

/** Removes files an earlier run wrote (and only those), so a smaller catalogue does not keep stale series. */
async function prepare(out: string): Promise<void> {
  await mkdir(out, { recursive: true });
  const stale = (await readdir(out)).filter((n) => n === PEOPLE_FILE || /^series-\d+\.json$/.test(n));
  await Promise.all(stale.map((n) => rm(path.join(out, n))));
}

/** Writes the catalogue one file at a time, so memory holds one series at most. */
export async function writeCatalogue(
  options: GenerateOptions,
  onStep?: (p: GenerateStep) => void,
): Promise<GenerateSummary> {
  await prepare(options.out);
  const people = generatePeople(options.seed, options.series);
  const summary: GenerateSummary = {
    files: 1,
    people: people.length,
    series: 0,
    episodes: 0,
    characters: 0,
    relationships: 0,
    events: 0,
    bytes: 0,
  };
  summary.bytes += await writeJson(path.join(options.out, PEOPLE_FILE), { format: SEED_FORMAT, people, series: [] });
  for (let index = 1; index <= options.series; index++) {
    const series = generateSeries(options.seed, index, people);
    summary.bytes += await writeJson(path.join(options.out, seriesFile(index)), {
      format: SEED_FORMAT,
      people: [],
      series: [series],
    });
    summary.files++;
    summary.series++;
    summary.episodes += series.episodes.length;
    summary.characters += series.characters.length;
    summary.relationships += series.relationships.length;
    summary.events += series.events.length;
    onStep?.({ done: index, total: options.series });
  }
  return summary;
}
