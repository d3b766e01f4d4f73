import { z } from 'zod';
import { builder } from '../builder.js';
import { nodeTypeOfSearchType } from '../domain/collections.js';
import { fold } from '../domain/search/fold.js';
import type { RankedHit } from '../domain/search/score.js';
import { searchGraph } from '../reads/search.js';
import { CharacterRef } from './character.js';
import { EpisodeRef } from './episode.js';
import { PersonRef } from './person.js';
import { SeriesRef } from './series.js';
import { tagged, typenameOf } from './support/type-tags.js';

const SearchResultUnion = builder.unionType('SearchResult', {
  description: 'What a search can find: a series, an episode, a character or a person.',
  types: [SeriesRef, EpisodeRef, CharacterRef, PersonRef],
  resolveType: typenameOf,
});

const SearchHitType = builder.objectRef<RankedHit>('SearchHit').implement({
  description: 'One search result, with how well and on what it matched.',
  fields: (t) => ({
    score: t.float({
      description:
        'From 0.3 to 1.1, higher is better: exact 1, prefix 0.8, start of a later word 0.7, anywhere inside 0.5, ' +
        'Hangul initials in order 0.3, plus up to 0.1 the more of the name the query covers.',
      resolve: (hit) => hit.score,
    }),
    matchedOn: t.string({
      description: 'The name, alias, title or native-script name that matched, as the data has it.',
      resolve: (hit) => hit.matchedOn,
    }),
    node: t.field({
      type: SearchResultUnion,
      resolve: (hit) => tagged(nodeTypeOfSearchType(hit.item.type), hit.item.record),
    }),
  }),
});

const querySchema = z
  .string()
  .max(200, 'query must be at most 200 characters')
  .refine((q) => fold(q).length > 0, 'query must contain a letter or a digit');

builder.queryField('search', (t) =>
  t.field({
    type: [SearchHitType],
    description:
      'Finds series, episodes, characters and people by name, alias, title or native-script name, best match first. ' +
      'Ignores case, spaces, hyphens and punctuation ("Eun Soo" finds Eun-soo) and diacritics; Hangul names are also ' +
      'found by their initial consonants ("ㅅㅇㄷㅌㄹ"), in order, gaps allowed ("ㅅㅇㅌㄹ"). Episodes are found as ' +
      '"<series slug> episode <n>" or "… ep <n>", or by title. Ties: series, episodes, characters, people, then by key.',
    args: {
      query: t.arg.string({ required: true, validate: querySchema }),
      first: t.arg.int({
        defaultValue: 10,
        description: 'How many hits to return, 1 to 50.',
        validate: z.number().int().min(1, 'first must be 1 or more').max(50, 'first must be at most 50'),
      }),
    },
    resolve: (_root, args, ctx) => searchGraph(ctx.store, ctx.loaders, { query: args.query, first: args.first ?? 10 }),
  }),
);
