import type { GraphDocument } from '../domain/records.js';
import { castingKey, creditKey, episodeKey, scopedKey } from '../domain/keys.js';
import type { SeedFile, SeedSeries } from './format.js';

export function emptyDocument(): GraphDocument {
  return { people: [], series: [], episodes: [], characters: [], castings: [], credits: [], relationships: [], events: [] };
}

function addSeries(doc: GraphDocument, s: SeedSeries): void {
  const key = s.slug;
  const character = (slug: string) => scopedKey(key, slug);
  const optionalCharacter = (slug: string | null) => (slug === null ? null : character(slug));
  doc.series.push({
    key, slug: s.slug, title: s.title, originalTitle: s.originalTitle, country: s.country, releaseYear: s.releaseYear,
    platforms: s.platforms, genres: s.genres, episodeCount: s.episodeCount, starring: s.starring, source: s.source,
  });
  for (const e of s.episodes) {
    doc.episodes.push({ key: episodeKey(key, e.number), seriesKey: key, ...e });
  }
  for (const c of s.characters) {
    doc.characters.push({ key: character(c.slug), seriesKey: key, ...c });
  }
  for (const c of s.castings) {
    const characterKey = character(c.character);
    doc.castings.push({
      key: castingKey(characterKey, c.person), seriesKey: key, personKey: c.person, characterKey,
      billing: c.billing, source: c.source,
    });
  }
  for (const c of s.credits) {
    doc.credits.push({ key: creditKey(key, c.person, c.role), seriesKey: key, personKey: c.person, role: c.role, source: c.source });
  }
  for (const r of s.relationships) {
    doc.relationships.push({
      key: scopedKey(key, r.slug), seriesKey: key, slug: r.slug, kind: r.kind, fromKey: character(r.from),
      toKey: character(r.to), mutual: r.mutual, sinceEpisode: r.since, untilEpisode: r.until, note: r.note, source: r.source,
    });
  }
  for (const e of s.events) {
    doc.events.push({
      key: scopedKey(key, e.slug), seriesKey: key, slug: e.slug, episodeNumber: e.episode, sequence: e.sequence,
      kind: e.kind, summary: e.summary, agentKey: optionalCharacter(e.agent), targetKey: optionalCharacter(e.target),
      participants: e.participants.map((p) => ({ characterKey: character(p.character), role: p.role })),
      outcome: e.outcome, flashback: e.flashback, source: e.source,
    });
  }
}

/** Turns validated seed files into the flat, keyed records that every store writes. */
export function toGraphDocument(files: readonly SeedFile[]): GraphDocument {
  const doc = emptyDocument();
  for (const file of files) {
    doc.people.push(...file.people.map((p) => ({ key: p.slug, ...p })));
    for (const series of file.series) addSeries(doc, series);
  }
  return doc;
}
