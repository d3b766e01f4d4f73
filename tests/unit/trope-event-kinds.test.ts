import { describe, expect, it } from 'vitest';
import { deriveTropes, EVIDENCE_EVENT_KINDS, TROPE_EVENT_KINDS, TROPE_KINDS } from '../../src/domain/tropes.js';
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

describe('EVIDENCE_EVENT_KINDS', () => {
  const tropesOf = (seriesKey: string, keep: (kind: string) => boolean) =>
    deriveTropes({
      relationships: document.relationships.filter((r) => r.seriesKey === seriesKey),
      events: document.events.filter((e) => e.seriesKey === seriesKey && keep(e.kind)),
      names: new Map(),
    });
  const byKind = new Set<string>(EVIDENCE_EVENT_KINDS);

  it('give the same tropes, evidence and all, as every event does, for every series of a generated catalogue', () => {
    const cited = new Set<string>();
    for (const series of document.series) {
      const all = tropesOf(series.key, () => true);
      for (const t of all) for (const e of t.evidence) for (const event of e.events) cited.add(event.kind);
      expect(
        tropesOf(series.key, (kind) => byKind.has(kind)),
        series.slug,
      ).toEqual(all);
    }
    // The catalogue cites events of kinds beyond those that decide tropes (friends to lovers' causes).
    expect([...cited].some((kind) => !TROPE_EVENT_KINDS.includes(kind as never))).toBe(true);
  });

  it('leave out events of other kinds', () => {
    expect(EVIDENCE_EVENT_KINDS.length).toBeLessThan(new Set(document.events.map((e) => e.kind)).size);
  });
});
