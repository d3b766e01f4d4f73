import { describe, expect, it } from 'vitest';
import type { PlotEventRecord, RelationshipRecord } from '../../src/domain/records.js';
import { causeAmong, relationshipTimeline } from '../../src/domain/timeline.js';
import type { PlotEventKind, RelationshipKind } from '../../src/domain/vocabulary.js';

const rel = (
  key: string,
  kind: RelationshipKind,
  from: string,
  to: string,
  since: number | null,
  until: number | null,
): RelationshipRecord => ({
  key,
  seriesKey: 's',
  slug: key,
  kind,
  fromKey: `s/${from}`,
  toKey: `s/${to}`,
  mutual: true,
  sinceEpisode: since,
  untilEpisode: until,
  revealedIn: null,
  note: [],
  sources: [],
  certainty: 'STATED',
  basis: [],
});

const ev = (sequence: number, kind: PlotEventKind, agent: string | null, target: string | null): PlotEventRecord => ({
  key: `s/e${sequence}`,
  seriesKey: 's',
  slug: `e${sequence}`,
  episodeNumber: 2,
  sequence,
  kind,
  summary: '',
  agentKey: agent && `s/${agent}`,
  targetKey: target && `s/${target}`,
  participants: [],
  outcome: null,
  flashback: false,
  sources: [],
  certainty: 'STATED',
  basis: [],
});

const PAIR = ['s/ann', 's/bob'] as const;
const summary = (changes: ReturnType<typeof relationshipTimeline>) =>
  changes.map((c) => ({
    episode: c.episode,
    before: c.before,
    after: c.after,
    began: c.began.map((r) => r.key),
    ended: c.ended.map((r) => r.key),
  }));

describe('relationshipTimeline', () => {
  it('walks every change in story order, kinds deduplicated and sorted, either direction', () => {
    const history = [
      rel('love-ab', 'UNREQUITED_LOVE', 'ann', 'bob', null, 3),
      rel('love-ba', 'UNREQUITED_LOVE', 'bob', 'ann', null, 3),
      rel('friends', 'FRIEND', 'bob', 'ann', null, null),
      rel('couple', 'ROMANTIC', 'ann', 'bob', 3, 5),
      rel('work', 'COLLEAGUE', 'ann', 'bob', 2, null),
      rel('other', 'FRIEND', 'ann', 'cat', null, 2),
    ];
    expect(summary(relationshipTimeline('s', PAIR, history))).toEqual([
      {
        episode: null,
        before: [],
        after: ['FRIEND', 'UNREQUITED_LOVE'],
        began: ['love-ab', 'love-ba', 'friends'],
        ended: [],
      },
      {
        episode: 2,
        before: ['FRIEND', 'UNREQUITED_LOVE'],
        after: ['COLLEAGUE', 'FRIEND', 'UNREQUITED_LOVE'],
        began: ['work'],
        ended: [],
      },
      {
        episode: 3,
        before: ['COLLEAGUE', 'FRIEND', 'UNREQUITED_LOVE'],
        after: ['COLLEAGUE', 'FRIEND', 'ROMANTIC'],
        began: ['couple'],
        ended: ['love-ab', 'love-ba'],
      },
      {
        episode: 5,
        before: ['COLLEAGUE', 'FRIEND', 'ROMANTIC'],
        after: ['COLLEAGUE', 'FRIEND'],
        began: [],
        ended: ['couple'],
      },
    ]);
  });

  it('is empty for characters never related, and starts late when nothing held before the story', () => {
    expect(relationshipTimeline('s', PAIR, [rel('other', 'FRIEND', 'ann', 'cat', null, null)])).toEqual([]);
    const late = relationshipTimeline('s', PAIR, [rel('met', 'FRIEND', 'ann', 'bob', 4, null)]);
    expect(summary(late)).toEqual([{ episode: 4, before: [], after: ['FRIEND'], began: ['met'], ended: [] }]);
  });
});

describe('causeAmong', () => {
  it('picks the last causing event between the pair by sequence, either way round', () => {
    const events = [
      ev(1, 'CONFESSION', 'ann', 'bob'),
      ev(5, 'KISS', 'bob', 'ann'),
      ev(3, 'REJECTION', 'bob', 'ann'),
      ev(7, 'MEMORY', 'ann', 'bob'),
      ev(9, 'KISS', 'ann', 'cat'),
    ];
    expect(causeAmong(events, PAIR)?.sequence).toBe(5);
  });

  it('is null when no event of a causing kind joins the pair', () => {
    expect(causeAmong([ev(1, 'MEMORY', 'ann', 'bob'), ev(2, 'CONFESSION', 'ann', null)], PAIR)).toBeNull();
  });
});
