import { describe, expect, it } from 'vitest';
import type { PlotEventRecord, RelationshipRecord } from '../../src/domain/records.js';
import { deriveTropes, type StoryFacts } from '../../src/domain/tropes.js';
import {
  EVENT_OUTCOMES,
  PARTICIPANT_ROLES,
  PLOT_EVENT_KINDS,
  RELATIONSHIP_KINDS,
} from '../../src/domain/vocabulary.js';
import { generatePeople } from '../../src/generate/people.js';
import { Random } from '../../src/generate/random.js';
import { generateSeries } from '../../src/generate/series.js';
import { toGraphDocument } from '../../src/seed/document.js';
import { SEED_FORMAT } from '../../src/seed/format.js';
import { referenceTropes } from '../support/tropes-reference.js';

/**
 * A story of few characters, episodes and sequence numbers, so that pairs, episodes and ties repeat: self pairs,
 * missing agents or targets, a character twice in one event, MENTIONED roles and equal sequences included.
 */
function randomStory(random: Random): StoryFacts {
  const characters = Array.from({ length: random.int(1, 5) }, (_, i) => `s/c${i}`);
  const someone = () => (random.chance(0.15) ? null : random.pick(characters));
  const relationships = Array.from(
    { length: random.int(0, 12) },
    (_, i): RelationshipRecord =>
      ({
        key: `s/r${i}`,
        seriesKey: 's',
        kind: random.pick(RELATIONSHIP_KINDS),
        fromKey: random.pick(characters),
        toKey: random.pick(characters),
        mutual: random.chance(0.5),
        sinceEpisode: random.chance(0.2) ? null : random.int(1, 5),
        untilEpisode: null,
        revealedIn: null,
      }) as RelationshipRecord,
  );
  const events = Array.from({ length: random.int(0, 30) }, (_, i): PlotEventRecord => {
    const agentKey = someone();
    const targetKey = someone();
    return {
      key: `s/e${i}`,
      seriesKey: 's',
      kind: random.pick(PLOT_EVENT_KINDS),
      agentKey,
      targetKey,
      outcome: random.chance(0.3) ? null : random.pick(EVENT_OUTCOMES),
      episodeNumber: random.int(1, 5),
      sequence: random.int(1, 6),
      participants: [
        ...(agentKey ? [{ characterKey: agentKey, role: 'AGENT' as const }] : []),
        ...(targetKey ? [{ characterKey: targetKey, role: 'TARGET' as const }] : []),
        ...Array.from({ length: random.int(0, 3) }, () => ({
          characterKey: random.pick(characters),
          role: random.pick(PARTICIPANT_ROLES),
        })),
      ],
    } as PlotEventRecord;
  });
  return { relationships, events, names: new Map(characters.map((key) => [key, key.toUpperCase()])) };
}

describe('deriveTropes, which looks facts up by key', () => {
  it('gives what scanning every fact for every occurrence gives, on 3,000 random stories', () => {
    const random = new Random(46);
    let found = 0;
    for (let i = 0; i < 3000; i += 1) {
      const story = randomStory(random);
      const expected = referenceTropes(story);
      expect(deriveTropes(story), `story ${i}`).toEqual(expected);
      found += expected.length;
    }
    // The stories show tropes often enough for the comparison to tell.
    expect(found).toBeGreaterThan(3000);
  });

  it('gives what scanning gives for every series of a generated catalogue', () => {
    const people = generatePeople(11, 40);
    const document = toGraphDocument([
      { format: SEED_FORMAT, people, series: Array.from({ length: 40 }, (_, i) => generateSeries(11, i + 1, people)) },
    ]);
    for (const series of document.series) {
      const story: StoryFacts = {
        relationships: document.relationships.filter((r) => r.seriesKey === series.key),
        events: document.events.filter((e) => e.seriesKey === series.key),
        names: new Map(document.characters.map((c) => [c.key, c.name])),
      };
      expect(deriveTropes(story), series.slug).toEqual(referenceTropes(story));
    }
  });
});
