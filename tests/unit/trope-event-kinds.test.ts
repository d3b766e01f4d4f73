import { describe, expect, it } from 'vitest';
import { deriveTropes, TROPE_EVENT_KINDS, TROPE_KINDS } from '../../src/domain/tropes.js';
import { generatePeople } from '../../src/generate/people.js';
import { generateSeries } from '../../src/generate/series.js';
import { toGraphDocument } from '../../src/seed/document.js';
import { SEED_FORMAT } from '../../src/seed/format.js';

const SERIES = 120;
const SEED = 5;
const people = generatePeople(SEED, SERIES);
const document = toGraphDocument([
  {
    format: SEED_FORMAT,
    people,
    series: Array.from({ length: SERIES }, (_, i) => generateSeries(SEED, i + 1, people)),
  },
]);

const kindsOf = (seriesKey: string, keep: (kind: string) => boolean) =>
  deriveTropes({
    relationships: document.relationships.filter((r) => r.seriesKey === seriesKey),
    events: document.events.filter((e) => e.seriesKey === seriesKey && keep(e.kind)),
    names: new Map(),
  }).map((t) => t.kind);

describe('TROPE_EVENT_KINDS', () => {
  const byKind = new Set<string>(TROPE_EVENT_KINDS);
  const all = document.series.map((s) => [s.slug, kindsOf(s.key, () => true)]);

  it('decide the same trope kinds as every event does, for every series of a generated catalogue', () => {
    expect(document.series.map((s) => [s.slug, kindsOf(s.key, (kind) => byKind.has(kind))])).toEqual(all);
  });

  it('are tested on a catalogue that shows every trope kind', () => {
    expect(new Set(all.flatMap(([, kinds]) => kinds))).toEqual(new Set(TROPE_KINDS));
  });
});
