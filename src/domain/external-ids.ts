import type { ExternalIds } from './records.js';

export type ExternalIdKind = 'series' | 'person';

/** The page of each known id on its site, in a fixed order (Wikidata, IMDb, TMDB, TVmaze): schema.org's sameAs. */
export function externalUrls(kind: ExternalIdKind, ids: ExternalIds): string[] {
  const series = kind === 'series';
  return [
    ids.wikidata === null ? null : `https://www.wikidata.org/wiki/${ids.wikidata}`,
    ids.imdb === null ? null : `https://www.imdb.com/${series ? 'title' : 'name'}/${ids.imdb}/`,
    ids.tmdb === null ? null : `https://www.themoviedb.org/${series ? 'tv' : 'person'}/${ids.tmdb}`,
    ids.tvmaze === null ? null : `https://www.tvmaze.com/${series ? 'shows' : 'people'}/${ids.tvmaze}`,
  ].filter((url) => url !== null);
}
