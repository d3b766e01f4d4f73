import { NO_EXTERNAL_IDS } from '../../src/domain/build.js';
import type { GraphDocument } from '../../src/domain/records.js';

/**
 * A made-up series for search tests only: the seed has no aliases, native-script names or diacritics,
 * so these names exercise them. Not story data.
 */
export const SEARCH_FIXTURE: GraphDocument = {
  people: [
    {
      key: 'zoe-lefevre',
      slug: 'zoe-lefevre',
      name: 'Zoë Lefèvre',
      nativeName: null,
      externalIds: NO_EXTERNAL_IDS,
      sources: [],
    },
  ],
  series: [
    {
      key: 'search-fixture',
      slug: 'search-fixture',
      title: 'Search Fixture',
      originalTitle: null,
      country: null,
      releaseYear: null,
      platforms: [],
      genres: [],
      episodeCount: 0,
      starring: [],
      externalIds: NO_EXTERNAL_IDS,
      sources: [],
    },
  ],
  episodes: [],
  characters: [
    {
      key: 'search-fixture/ji-woo',
      seriesKey: 'search-fixture',
      slug: 'ji-woo',
      name: 'Ji-woo',
      nativeName: '최지우',
      aliases: [{ name: 'Dr. Choi', fromEpisode: 1 }],
      description: [],
      firstEpisode: null,
      sources: [],
      certainty: 'STATED',
      basis: [],
    },
  ],
  castings: [],
  credits: [],
  relationships: [],
  events: [],
};
