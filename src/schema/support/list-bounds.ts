import type { EvidenceSizes, ListSizes } from '../../domain/list-sizes.js';
import { MAX_PATHS } from '../../domain/paths.js';
import { FIELD_RULES } from '../../domain/rules.js';
import { TROPE_KINDS } from '../../domain/tropes.js';
import { RELATIONSHIP_KINDS } from '../../domain/vocabulary.js';
import { MAX_WEBHOOK_ENDPOINTS } from '../../feed/webhooks/config.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../pagination.js';
import { MOST_RECOMMENDATIONS } from '../../reads/recommendations.js';

/** The longest lists the store holds now, and those of the tropes it shows. */
export type CostSizes = ListSizes & EvidenceSizes;

/** The most items a list field can answer, from its arguments and the longest lists the store holds now. */
export type ListBound = (sizes: CostSizes, args: Record<string, unknown>) => number;

const MOST_HOPS = 6;
const DEFAULT_SEARCH_HITS = 10;
const MOST_SEARCH_HITS = 50;
const DEFAULT_RECOMMENDATIONS = 5;
const PATH_LINK_KINDS = 3;
/** A path into a write's input: argument, record list, index, field, list, index, field… */
const ISSUE_PATH = 10;

const first =
  (fallback: number, most: number): ListBound =>
  (_sizes, args) =>
    typeof args.first === 'number' ? Math.max(0, Math.min(args.first, most)) : fallback;
const size =
  (key: keyof CostSizes): ListBound =>
  (sizes) =>
    sizes[key];
const fixed =
  (n: number): ListBound =>
  () =>
    n;

/**
 * Every list field of the schema, by `Type.field`. A connection counts its whole selection once per
 * item of the page, so its `edges` count once. A refusal's issues are counted as one page; the execution budget holds the rest.
 */
export const LIST_BOUNDS: Readonly<Record<string, ListBound>> = {
  'Query.allSeries': first(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
  'Query.events': first(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
  'Query.changes': first(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
  'ChangeConnection.edges': fixed(1),
  'Query.webhookEndpoints': fixed(MAX_WEBHOOK_ENDPOINTS),
  'Query.search': first(DEFAULT_SEARCH_HITS, MOST_SEARCH_HITS),
  'Query.connection': fixed(MAX_PATHS),
  'Query.relationshipTimeline': (s) => 2 * s.relationshipsPerCharacter + 1,
  'SeriesConnection.edges': fixed(1),
  'PlotEventConnection.edges': fixed(1),
  'Series.cast': size('castingsPerSeries'),
  'Series.characters': size('charactersPerSeries'),
  'Series.crew': size('creditsPerSeries'),
  'Series.episodes': (s, args) =>
    typeof args.first === 'number' ? Math.max(0, Math.min(args.first, s.episodesPerSeries)) : s.episodesPerSeries,
  'Series.genres': size('genresPerSeries'),
  'Series.platforms': size('platformsPerSeries'),
  'Series.starring': size('starringPerSeries'),
  'Series.recommendations': first(DEFAULT_RECOMMENDATIONS, MOST_RECOMMENDATIONS),
  'Series.tropes': (s) => Math.min(TROPE_KINDS.length, s.evidencePerSeries),
  'Recommendation.reasons': (s) =>
    TROPE_KINDS.length + s.castingsPerSeries + s.creditsPerSeries + s.starringPerSeries + s.genresPerSeries,
  'Trope.evidence': size('evidencePerSeries'),
  'TropeEvidence.characters': size('charactersPerEvidence'),
  'TropeEvidence.events': size('eventsPerEvidence'),
  'TropeEvidence.relationships': size('relationshipsPerEvidence'),
  'Character.aliases': size('aliasesPerCharacter'),
  'Character.aliasesByEpisode': size('aliasesPerCharacter'),
  'Character.events': size('eventsPerCharacter'),
  'Character.portrayedBy': size('castingsPerCharacter'),
  'Character.relationships': size('relationshipsPerCharacter'),
  'Episode.events': size('eventsPerEpisode'),
  'Person.castings': size('castingsPerPerson'),
  'Person.credits': size('creditsPerPerson'),
  'PlotEvent.participants': size('participantsPerEvent'),
  'ConnectionPath.nodes': fixed(MOST_HOPS + 1),
  'ConnectionPath.steps': fixed(MOST_HOPS),
  'ConnectionStep.castings': size('castingsPerCharacter'),
  'ConnectionStep.links': fixed(PATH_LINK_KINDS),
  'ConnectionStep.relationships': size('relationshipsPerCharacter'),
  'ConnectionStep.sharedEvents': (s, args) =>
    Math.min(s.eventsPerCharacter, typeof args.first === 'number' ? Math.max(0, args.first) : MAX_PAGE_SIZE),
  'RelationshipChange.before': fixed(RELATIONSHIP_KINDS.length),
  'RelationshipChange.after': fixed(RELATIONSHIP_KINDS.length),
  'RelationshipChange.began': size('relationshipsPerCharacter'),
  'RelationshipChange.ended': size('relationshipsPerCharacter'),
  'ValidationError.issues': fixed(MAX_PAGE_SIZE),
  // Provenance and revealed text: at most as many as the write rules allow one record.
  ...Object.fromEntries(
    ['Series', 'Episode', 'Character', 'Person', 'Casting', 'Credit', 'Relationship', 'PlotEvent'].map((type) => [
      `${type}.sources`,
      fixed(FIELD_RULES.sources),
    ]),
  ),
  'Character.descriptionRevisions': fixed(FIELD_RULES.revision.max),
  'Relationship.noteRevisions': fixed(FIELD_RULES.revision.max),
  'ValidationError.path': fixed(ISSUE_PATH),
  'FieldIssue.path': fixed(ISSUE_PATH),
};

/** What the trope lists can hold at most when the tropes themselves are not derived yet. */
export function evidenceBoundedBy(s: ListSizes): EvidenceSizes {
  return {
    evidencePerSeries: s.relationshipsPerSeries + s.charactersPerSeries + s.eventsPerSeries,
    charactersPerEvidence: s.charactersPerSeries,
    eventsPerEvidence: Math.max(2, s.eventsPerCharacter),
    relationshipsPerEvidence: s.relationshipsPerCharacter + 1,
  };
}
