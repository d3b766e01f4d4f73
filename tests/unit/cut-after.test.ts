import { describe, expect, it } from 'vitest';
import { cutAfter } from '../../src/domain/spoilers.js';

describe('cutAfter: the episode a viewer’s progress cuts a series after', () => {
  const series = { key: 'show', episodeCount: 16 };

  it('is the progress while it is before the last episode', () => {
    for (const episode of [1, 8, 15]) expect(cutAfter(new Map([['show', episode]]), series)).toBe(episode);
  });

  it('is null with no progress for the series, or progress at or past its last episode', () => {
    expect(cutAfter(new Map(), series)).toBeNull();
    expect(cutAfter(new Map([['other', 1]]), series)).toBeNull();
    for (const episode of [16, 17, 2 ** 31 - 1]) expect(cutAfter(new Map([['show', episode]]), series)).toBeNull();
    expect(cutAfter(new Map([['show', 1]]), { key: 'show', episodeCount: 0 })).toBeNull();
    expect(cutAfter(new Map([['__proto__', 1]]), { key: '__proto__', episodeCount: 4 })).toBe(1);
  });
});
