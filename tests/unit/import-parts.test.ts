import { describe, expect, it } from 'vitest';
import { emptyDocument } from '../../src/domain/collections.js';
import type { GraphDocument } from '../../src/domain/records.js';
import { generatePeople } from '../../src/generate/people.js';
import { generateSeries } from '../../src/generate/series.js';
import { toGraphDocument } from '../../src/seed/document.js';
import { SEED_FORMAT } from '../../src/seed/format.js';
import { DEFAULT_SEED_DIR, loadSeedDirectory } from '../../src/seed/load.js';
import { importParts, rowCount, TRANSACTION_ROWS } from '../../src/store/neo4j/importer.js';

const SERIES = 62;
const people = generatePeople(3, SERIES);
const CATALOGUE = toGraphDocument([
  { format: SEED_FORMAT, people, series: Array.from({ length: SERIES }, (_, i) => generateSeries(3, i + 1, people)) },
]);
const COLLECTIONS = Object.keys(CATALOGUE) as (keyof GraphDocument)[];

/** The keys every record needs to exist already (or in its own part), by the nodes they name. */
function references(doc: GraphDocument): [string, string[]][] {
  return [
    ...doc.episodes.map((r): [string, string[]] => [`episode:${r.key}`, [`series:${r.seriesKey}`]]),
    ...doc.characters.map((r): [string, string[]] => [`character:${r.key}`, [`series:${r.seriesKey}`]]),
    ...doc.castings.map((r): [string, string[]] => [
      `casting:${r.key}`,
      [`person:${r.personKey}`, `character:${r.characterKey}`],
    ]),
    ...doc.credits.map((r): [string, string[]] => [
      `credit:${r.key}`,
      [`person:${r.personKey}`, `series:${r.seriesKey}`],
    ]),
    ...doc.relationships.map((r): [string, string[]] => [
      `relationship:${r.key}`,
      [`character:${r.fromKey}`, `character:${r.toKey}`],
    ]),
    ...doc.events.map((r): [string, string[]] => [
      `event:${r.key}`,
      [`episode:${r.seriesKey}/${r.episodeNumber}`, ...r.participants.map((p) => `character:${p.characterKey}`)],
    ]),
  ];
}

const nodes = (doc: GraphDocument): string[] => [
  ...doc.people.map((r) => `person:${r.key}`),
  ...doc.series.map((r) => `series:${r.key}`),
  ...doc.episodes.map((r) => `episode:${r.seriesKey}/${r.number}`),
  ...doc.characters.map((r) => `character:${r.key}`),
];

function expectWritableInOrder(parts: GraphDocument[], whole: GraphDocument, maxRows: number) {
  for (const c of COLLECTIONS)
    expect(
      parts.flatMap((p) => p[c] as unknown[]),
      c,
    ).toEqual(whole[c]);
  const written = new Set<string>();
  for (const part of parts) {
    expect(rowCount(part)).toBeLessThanOrEqual(maxRows);
    for (const node of nodes(part)) written.add(node);
    for (const [record, needs] of references(part))
      expect(
        needs.filter((n) => !written.has(n)),
        record,
      ).toEqual([]);
  }
}

describe('the parts a Neo4j import is written in, one transaction each', () => {
  it('are several for a catalogue, each bounded, with every record after what it references', () => {
    expect(rowCount(CATALOGUE)).toBeGreaterThan(3 * TRANSACTION_ROWS);
    const parts = importParts(CATALOGUE);
    expect(parts.length).toBeGreaterThan(3);
    expectWritableInOrder(parts, CATALOGUE, TRANSACTION_ROWS);
  });

  it('keep a series that fits in one part whole', () => {
    const parts = importParts(CATALOGUE);
    for (const series of CATALOGUE.series) {
      const holding = parts.filter((p) =>
        COLLECTIONS.some(
          (c) =>
            c !== 'people' &&
            (p[c] as { seriesKey?: string; key: string }[]).some((r) => (r.seriesKey ?? r.key) === series.key),
        ),
      );
      expect(holding, series.key).toHaveLength(1);
    }
  });

  it('cut only a series bigger than a part, in collection order', () => {
    const maxRows = 50;
    const parts = importParts(CATALOGUE, maxRows);
    expect(parts.length).toBeGreaterThanOrEqual(Math.ceil(rowCount(CATALOGUE) / maxRows));
    expectWritableInOrder(parts, CATALOGUE, maxRows);
  });

  it('are one for a document that fits, so the seed is written all or nothing', async () => {
    const seed = await loadSeedDirectory(DEFAULT_SEED_DIR);
    expect(importParts(seed)).toEqual([seed]);
  });

  it('are one empty part for an empty document, and keep a document with no series records', () => {
    const empty = importParts(emptyDocument());
    expect(empty.map(rowCount)).toEqual([0]);
    const eventsOnly = {
      ...importParts(CATALOGUE, Number.MAX_SAFE_INTEGER)[0]!,
      people: [],
      series: [],
      episodes: [],
      characters: [],
    };
    const parts = importParts(eventsOnly, 100);
    for (const c of COLLECTIONS)
      expect(
        parts.flatMap((p) => p[c] as unknown[]),
        c,
      ).toEqual(eventsOnly[c]);
    for (const part of parts) expect(rowCount(part)).toBeLessThanOrEqual(100);
  });
});

it('turns a seed file of 250,000 people into records (a spread of that many overflowed the call stack)', () => {
  const many = Array.from({ length: 250_000 }, (_, i) => ({ ...people[i % people.length]!, slug: `p-${i}` }));
  const doc = toGraphDocument([{ format: SEED_FORMAT, people: many, series: [] }]);
  expect(doc.people).toHaveLength(many.length);
  expect(doc.people.at(-1)).toMatchObject({ key: 'p-249999', slug: 'p-249999' });
});
