import { builder } from '../builder.js';
import type { GraphCounts } from '../domain/records.js';
import { batchDocument } from '../writes/batch.js';
import { JSONObjectScalar } from './support/json-object.js';
import { writeErrors } from './write-results.js';

const JSONObject = builder.addScalarType('JSONObject', JSONObjectScalar);

const ImportCountsType = builder.objectRef<GraphCounts>('ImportCounts').implement({
  description: 'How many records of each kind a batch wrote (created or replaced).',
  fields: (t) => ({
    people: t.exposeInt('people'),
    series: t.exposeInt('series'),
    episodes: t.exposeInt('episodes'),
    characters: t.exposeInt('characters'),
    castings: t.exposeInt('castings'),
    credits: t.exposeInt('credits'),
    relationships: t.exposeInt('relationships'),
    events: t.exposeInt('events'),
  }),
});

builder.mutationField('importBatch', (t) =>
  t.field({
    type: ImportCountsType,
    description:
      'Writes a document in the seed format (drama-graph/seed@1, see seeds/README.md) in one transaction: all of it ' +
      'or none of it. Every record needs a source, obeys the same rules and limits as the upserts, and is given once; ' +
      'each episode it adds events to must then hold them at sequences 1..N. Needs write:catalog and write:story, or admin.',
    authScopes: { $all: { writeCatalog: true, writeStory: true } },
    errors: writeErrors('ImportBatch', 'counts'),
    args: { document: t.arg({ type: JSONObject, required: true }) },
    resolve: (_root, { document }, ctx) => {
      const batch = batchDocument(document);
      return ctx.writer.importDocument(batch.document, batch.pathOf);
    },
  }),
);
