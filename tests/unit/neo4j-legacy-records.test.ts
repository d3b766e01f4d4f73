import { expect, it } from 'vitest';
import { EVENT_FIELDS, toCharacter, toEvent, toRelationship } from '../../src/store/neo4j/decode.js';
import { flatten, relationshipRow } from '../../src/store/neo4j/encode.js';

/** Property maps as Neo4j holds records written before sources, revisions and certainty existed. */
const legacyCharacter = {
  key: 's/a',
  seriesKey: 's',
  slug: 'a',
  name: 'A',
  aliases: [],
  description: 'Old text',
  sourceDocument: 'Recap',
  sourceParagraph: 3,
};

it('reads a record written before several sources, revealed text and certainty as one source, one text, STATED', () => {
  expect(toCharacter(legacyCharacter)).toMatchObject({
    description: [{ fromEpisode: 1, text: 'Old text' }],
    sources: [{ document: 'Recap', paragraph: 3 }],
    certainty: 'STATED',
    basis: [],
  });
  expect(toCharacter({ ...legacyCharacter, description: null, sourceDocument: null })).toMatchObject({
    description: [],
    sources: [],
  });
  const legacyEvent: Record<string, unknown> = {
    key: 's/e',
    seriesKey: 's',
    slug: 'e',
    episodeNumber: 1,
    sequence: 1,
    kind: 'KISS',
    summary: 'x',
    sourceDocument: 'Recap',
  };
  const row: unknown[] = [...EVENT_FIELDS.map((field) => legacyEvent[field] ?? null), []];
  expect(toEvent(row)).toMatchObject({ sources: [{ document: 'Recap', paragraph: null }], certainty: 'STATED' });
});

it('round-trips several sources (a null paragraph included), revisions, certainty and revealedIn through the property map', () => {
  const relationship = {
    key: 's/r',
    seriesKey: 's',
    slug: 'r',
    kind: 'UNSPOKEN_LOVE' as const,
    fromKey: 's/a',
    toKey: 's/b',
    mutual: true,
    sinceEpisode: 2,
    untilEpisode: null,
    revealedIn: 5,
    note: [
      { fromEpisode: 2, text: 'Unsaid' },
      { fromEpisode: 5, text: 'Said, ‮ 🎵' },
    ],
    certainty: 'INFERRED' as const,
    basis: [
      { fromEpisode: 1, text: 'Read from two scenes' },
      { fromEpisode: 5, text: 'Read from three scenes' },
    ],
    sources: [
      { document: 'Recap', paragraph: 4 },
      { document: 'Other', paragraph: null },
    ],
  };
  const { fromKey, toKey, props } = relationshipRow(relationship);
  for (const value of Object.values(props))
    expect(value === null || typeof value !== 'object' || Array.isArray(value), 'a property holds no map').toBe(true);
  expect(toRelationship({ ...props, fromKey, toKey })).toEqual(relationship);
  expect(flatten({ sources: [] })).toEqual({ sourceDocuments: [], sourceParagraphs: [] });
});
