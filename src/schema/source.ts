import { builder } from '../builder.js';
import type { SourceRef } from '../domain/records.js';

const SourceType = builder.objectRef<SourceRef>('Source').implement({
  description: 'Where a fact comes from: a document and, where known, the paragraph that states it.',
  fields: (t) => ({
    document: t.exposeString('document', { description: 'The title of the source document.' }),
    paragraph: t.exposeInt('paragraph', {
      nullable: true,
      description: 'The 1-based paragraph of the document, counting every non-blank line as one paragraph.',
    }),
  }),
});

export const sourceField = { type: SourceType, nullable: true, description: 'Where this fact comes from.' } as const;
