import { builder } from '../builder.js';
import type { ExternalIds } from '../domain/records.js';

const ExternalIdsType = builder.objectRef<ExternalIds>('ExternalIds').implement({
  description:
    'Where the same series or person is described on other sites; each id is null when unknown. ' +
    'GET /series/{slug}.jsonld links them as schema.org sameAs.',
  fields: (t) => ({
    wikidata: t.exposeString('wikidata', { nullable: true, description: 'The Wikidata item, such as "Q42".' }),
    imdb: t.exposeString('imdb', {
      nullable: true,
      description: 'The IMDb id: "tt" and digits for a series, "nm" and digits for a person.',
    }),
    tmdb: t.exposeInt('tmdb', { nullable: true, description: 'The Movie Database (TMDB) TV series or person id.' }),
    tvmaze: t.exposeInt('tvmaze', { nullable: true, description: 'The TVmaze show or person id.' }),
  }),
});

export const externalIdsField = {
  type: ExternalIdsType,
  description: 'Ids of this record on Wikidata, IMDb, TMDB and TVmaze.',
} as const;

export const ExternalIdsInput = builder.inputType('ExternalIdsInput', {
  description:
    'Ids on other sites, each optional and checked for its shape: Wikidata "Q" and digits; IMDb "tt" and at least ' +
    '7 digits for a series, "nm" and at least 7 digits for a person; TMDB and TVmaze positive integers.',
  fields: (t) => ({
    wikidata: t.string(),
    imdb: t.string(),
    tmdb: t.int(),
    tvmaze: t.int(),
  }),
});
