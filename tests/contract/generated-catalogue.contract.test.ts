import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generatePeople } from '../../src/generate/people.js';
import { generateSeries, seriesSlug } from '../../src/generate/series.js';
import { writeCatalogue } from '../../src/generate/write.js';
import { importSeedDirectory } from '../../src/seed/stream.js';
import type { DramaStore } from '../../src/store/port.js';
import { describeEachStore } from '../support/each-store.js';
import { graphql } from '../support/graphql.js';

const SERIES = 2;
const SEED = 11;
const AS_OF = 8;

let dir: Promise<string> | undefined;
function catalogue(): Promise<string> {
  dir ??= (async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'drama-gen-contract-'));
    await writeCatalogue({ series: SERIES, seed: SEED, out });
    return out;
  })();
  return dir;
}

/** Through the streaming directory import, in small batches, as `npm run import` loads it. */
async function loadGenerated(store: DramaStore): Promise<void> {
  await importSeedDirectory(store, await catalogue(), { batchRecords: 500 });
}

afterAll(async () => {
  if (dir) await rm(await dir, { recursive: true, force: true });
});

// The expected answers, computed from the generator itself rather than from either store.
const people = generatePeople(SEED, SERIES);
const generated = Array.from({ length: SERIES }, (_, i) => generateSeries(SEED, i + 1, people));
const second = generated[1]!;
const lover = second.relationships.find((r) => r.kind === 'ROMANTIC')!.from;
const heldAsOf = second.relationships
  .filter(
    (r) =>
      (r.from === lover || r.to === lover) &&
      (r.since === null || r.since <= AS_OF) &&
      (r.until === null || r.until > AS_OF),
  )
  .map((r) => `${r.kind} ${r.from}->${r.to}`)
  .sort();

const QUERY = `query Generated($series: String!, $character: String!, $asOf: Int!) {
  events(first: 1) { totalCount }
  series(slug: $series) { episodeCount episodes { number } }
  character(series: $series, slug: $character) { relationships(asOfEpisode: $asOf) { kind from { slug } to { slug } } } }`;

const answers: unknown[] = [];

describeEachStore(
  'a generated catalogue',
  (service) => {
    it('answers the same questions the generator predicts', async () => {
      const response = await graphql(service().yoga, QUERY, { series: seriesSlug(2), character: lover, asOf: AS_OF });
      expect(response.errors).toBeUndefined();
      const data = response.data!;
      expect(data.events.totalCount).toBe(generated.reduce((n, s) => n + s.events.length, 0));
      expect(data.series.episodeCount).toBe(16);
      expect(data.series.episodes).toHaveLength(16);
      const relationships = data.character.relationships
        .map((r: any) => `${r.kind} ${r.from.slug}->${r.to.slug}`)
        .sort();
      expect(relationships).toEqual(heldAsOf);
      expect(relationships.length).toBeGreaterThan(0);
      answers.push(data);
    });
  },
  loadGenerated,
);

describe('a generated catalogue across stores', () => {
  it('gets identical answers from every store that ran', () => {
    for (const answer of answers.slice(1)) expect(answer).toEqual(answers[0]);
  });
});
