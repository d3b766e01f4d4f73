import { NO_EXTERNAL_IDS } from '../../src/domain/build.js';
import type { GraphDocument, PlotEventRecord, RelationshipRecord, SeriesRecord } from '../../src/domain/records.js';
import type { TropeKind } from '../../src/domain/tropes.js';
import type { PlotEventKind, RelationshipKind } from '../../src/domain/vocabulary.js';

/** A synthetic series: the tropes its story should show, who plays in it, who directs it, its genres. */
export interface SyntheticSeries {
  slug: string;
  tropes: TropeKind[];
  cast?: string[];
  directors?: string[];
  genres?: string[];
}

const relationship = (
  s: string,
  kind: RelationshipKind,
  from: string,
  to: string,
  since: number | null,
  until: number | null,
): RelationshipRecord => ({
  key: `${s}/${kind}-${from}-${to}`,
  seriesKey: s,
  slug: `${kind.toLowerCase().replace('_', '-')}-${from}-${to}`,
  kind,
  fromKey: `${s}/${from}`,
  toKey: `${s}/${to}`,
  mutual: kind !== 'UNREQUITED_LOVE',
  sinceEpisode: since,
  untilEpisode: until,
  revealedIn: null,
  note: [],
  sources: [],
  certainty: 'STATED' as const,
  basis: [],
});

const event = (
  s: string,
  sequence: number,
  kind: PlotEventKind,
  agent: string | null,
  target: string | null = null,
): PlotEventRecord => ({
  key: `${s}/${kind.toLowerCase()}-${sequence}`,
  seriesKey: s,
  slug: `${kind.toLowerCase()}-${sequence}`,
  episodeNumber: 2,
  sequence,
  kind,
  summary: `A ${kind.toLowerCase()}.`,
  agentKey: agent && `${s}/${agent}`,
  targetKey: target && `${s}/${target}`,
  outcome: kind === 'CONFESSION' ? 'REJECTED' : null,
  flashback: false,
  sources: [],
  certainty: 'STATED' as const,
  basis: [],
  participants: [
    ...(agent ? [{ characterKey: `${s}/${agent}`, role: 'AGENT' as const }] : []),
    ...(target ? [{ characterKey: `${s}/${target}`, role: 'TARGET' as const }] : []),
  ],
});

function story(
  s: string,
  tropes: readonly TropeKind[],
): { relationships: RelationshipRecord[]; events: PlotEventRecord[] } {
  const relationships: RelationshipRecord[] = [];
  const kinds: [PlotEventKind, string | null, string | null][] = [];
  if (tropes.includes('FRIENDS_TO_LOVERS'))
    relationships.push(relationship(s, 'FRIEND', 'a', 'b', null, 2), relationship(s, 'ROMANTIC', 'a', 'b', 2, null));
  if (tropes.includes('LOVE_TRIANGLE'))
    relationships.push(
      relationship(s, 'UNREQUITED_LOVE', 'b', 'a', null, null),
      relationship(s, 'UNREQUITED_LOVE', 'c', 'a', null, null),
    );
  if (tropes.includes('UNREQUITED_LOVE')) kinds.push(['CONFESSION', 'c', 'b']);
  if (tropes.includes('TIME_SKIP')) kinds.push(['TIME_SKIP', null, null]);
  if (tropes.includes('REUNION_AFTER_SEPARATION')) kinds.push(['DEPARTURE', 'a', null], ['REUNION', 'a', 'b']);
  return { relationships, events: kinds.map(([kind, agent, target], i) => event(s, i + 1, kind, agent, target)) };
}

const seriesRecord = (spec: SyntheticSeries): SeriesRecord => ({
  key: spec.slug,
  slug: spec.slug,
  title: spec.slug.toUpperCase(),
  originalTitle: null,
  country: null,
  releaseYear: null,
  platforms: [],
  genres: spec.genres ?? [],
  episodeCount: 2,
  starring: [],
  externalIds: NO_EXTERNAL_IDS,
  sources: [],
});

/** A whole graph of synthetic series, each with characters a, b and c over two episodes. */
export function syntheticCatalogue(specs: readonly SyntheticSeries[]): GraphDocument {
  const people = [...new Set(specs.flatMap((s) => [...(s.cast ?? []), ...(s.directors ?? [])]))].sort();
  const stories = specs.map((s) => story(s.slug, s.tropes));
  return {
    people: people.map((slug) => ({
      key: slug,
      slug,
      name: `Person ${slug}`,
      nativeName: null,
      externalIds: NO_EXTERNAL_IDS,
      sources: [],
    })),
    series: specs.map(seriesRecord),
    episodes: specs.flatMap((s) =>
      [1, 2].map((number) => ({
        key: `${s.slug}/${number}`,
        seriesKey: s.slug,
        number,
        title: null,
        runtimeMinutes: null,
        sources: [],
      })),
    ),
    characters: specs.flatMap((s) =>
      ['a', 'b', 'c'].map((slug) => ({
        key: `${s.slug}/${slug}`,
        seriesKey: s.slug,
        slug,
        name: slug.toUpperCase(),
        nativeName: null,
        aliases: [],
        description: [],
        firstEpisode: null,
        sources: [],
        certainty: 'STATED' as const,
        basis: [],
      })),
    ),
    castings: specs.flatMap((s) =>
      (s.cast ?? []).map((person, i) => ({
        key: `${s.slug}/${'abc'[i]}@${person}`,
        seriesKey: s.slug,
        personKey: person,
        characterKey: `${s.slug}/${'abc'[i]}`,
        billing: 'MAIN' as const,
        sources: [],
        certainty: 'STATED' as const,
        basis: [],
      })),
    ),
    credits: specs.flatMap((s) =>
      (s.directors ?? []).map((person) => ({
        key: `${s.slug}@${person}#DIRECTOR`,
        seriesKey: s.slug,
        personKey: person,
        role: 'DIRECTOR' as const,
        sources: [],
      })),
    ),
    relationships: stories.flatMap((s) => s.relationships),
    events: stories.flatMap((s) => s.events),
  };
}
