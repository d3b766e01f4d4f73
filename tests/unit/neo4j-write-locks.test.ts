import { describe, expect, it } from 'vitest';
import { changeSet } from '../../src/domain/integrity/changes.js';
import { LOCK_STRIPES, lockStripes } from '../../src/store/neo4j/changes.js';

const event = (seriesKey: string, key: string) => ({ key, seriesKey, episodeNumber: 1, sequence: 1 }) as never;

describe('Neo4j write locks: which stripes a change set locks', () => {
  it('locks the same stripe for every write in one series, whatever the collection', () => {
    const upsert = lockStripes(changeSet({ upserts: { events: [event('show', 'show/a')] } }));
    expect(upsert).toHaveLength(1);
    expect(lockStripes(changeSet({ deletes: { episodes: ['show/3'] } }))).toEqual(upsert);
    expect(lockStripes(changeSet({ deletes: { castings: ['show/mira@star'] } }))).toEqual(upsert);
    expect(lockStripes(changeSet({ deletes: { series: ['show'] } }))).toEqual(upsert);
  });

  it('locks each person a change set writes, deletes or refers to', () => {
    const person = lockStripes(changeSet({ deletes: { people: ['star'] } }));
    const casting = { key: 'show/mira@star', seriesKey: 'show', characterKey: 'show/mira', personKey: 'star' } as never;
    const credit = { key: 'show@star#DIRECTOR', seriesKey: 'show', personKey: 'star' } as never;
    const starring = { key: 'show', starring: ['star'] } as never;
    for (const upserts of [
      { castings: [casting] },
      { credits: [credit] },
      { series: [starring] },
      { people: [{ key: 'star' } as never] },
    ]) {
      expect(lockStripes(changeSet({ upserts }))).toEqual(expect.arrayContaining(person));
    }
  });

  it('returns distinct stripes in ascending order, within bounds, for any keys', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `s${i}`).concat([
      '__proto__',
      'constructor',
      '',
      '😀',
      'é',
      'e\u0301',
      '\u0000',
    ]);
    const stripes = lockStripes(changeSet({ deletes: { series: keys, people: keys } }));
    expect(stripes).toEqual([...new Set(stripes)].sort((a, b) => a - b));
    expect(stripes.length).toBeLessThanOrEqual(LOCK_STRIPES);
    expect(stripes.every((s) => Number.isInteger(s) && s >= 0 && s < LOCK_STRIPES)).toBe(true);
    expect(lockStripes(changeSet({}))).toEqual([]);
  });
});
