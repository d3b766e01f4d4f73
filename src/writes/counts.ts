import type { GraphCounts, GraphDocument } from '../domain/records.js';

export const countsOf = (d: GraphDocument): GraphCounts => ({
  people: d.people.length, series: d.series.length, episodes: d.episodes.length, characters: d.characters.length,
  castings: d.castings.length, credits: d.credits.length, relationships: d.relationships.length, events: d.events.length,
});
