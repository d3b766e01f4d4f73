import { describe, expect, it } from 'vitest';
import { givingWay, RecentRate, type Streaming } from '../../src/plugins/export-series.js';

const KIB = 1024;
const SLOW = 256 * KIB;
const PIECE = 700 * KIB;

describe('the rate an export is read at (RecentRate), over a 5 s window', () => {
  it('finds a reader of nothing slow once the window has passed the socket buffers’ first fill, however large', () => {
    for (const buffered of [4, 12]) {
      const rate = new RecentRate(5_000);
      const pieces = Math.ceil((buffered * 1024 * KIB) / PIECE);
      for (let i = 0; i < pieces; i += 1) rate.add(PIECE, i * 50);
      expect(rate.perSecond(3_000), `${buffered} MiB`).toBeGreaterThanOrEqual(SLOW);
      // Red team 40: averaged since the start, a 12 MiB fill looked fast for 34 s.
      expect(rate.perSecond(5_000 + pieces * 50), `${buffered} MiB`).toBe(0);
    }
  });

  it('finds a reader that takes a piece at 300 KiB/s fast all along, after a first fill of 3 MiB', () => {
    const rate = new RecentRate(5_000);
    const every = (PIECE / (300 * KIB)) * 1000;
    let handedAt = 0;
    for (let i = 0; i < 5; i += 1) rate.add(PIECE, i * 20);
    for (let now = 0; now <= 120_000; now += 100) {
      while (handedAt + every <= now) {
        handedAt += every;
        rate.add(PIECE, handedAt);
      }
      // Red team 40: with 4 MiB not counted from the start, such a reader was cut about 3 s in.
      expect(rate.perSecond(now), `${now} ms`).toBeGreaterThanOrEqual(SLOW);
    }
  });

  it('finds a reader at 30 KiB/s slow, and a window of 0 as short as 1 ms', () => {
    const rate = new RecentRate(5_000);
    const every = (PIECE / (30 * KIB)) * 1000;
    for (let i = 1; i <= 10; i += 1) rate.add(PIECE, i * every);
    expect(rate.perSecond(10 * every + 1)).toBeLessThan(SLOW);
    const instant = new RecentRate(0);
    instant.add(PIECE, 0);
    expect(instant.perSecond(0)).toBe(PIECE * 1000);
    expect(instant.perSecond(2)).toBe(0);
    expect(new RecentRate(5_000).perSecond(0)).toBe(0);
  });
});

describe('which export gives its place to a newcomer (givingWay)', () => {
  const SLOW_EXPORTS = { windowMs: 5_000, bytesPerSecond: SLOW };
  const NOW = 60_000;
  /** An export of `client` started at 0, handed `total` pieces, `recent` of them within the window (1: 140 KiB/s). */
  const exportOf = (client: string, total: number, recent = 0): Streaming => {
    const handed = new RecentRate(SLOW_EXPORTS.windowMs);
    for (let i = 0; i < total; i += 1) handed.add(PIECE, i < total - recent ? 1_000 + i : NOW - 10 + i / total);
    return { client, started: 0, handed, stop: () => undefined };
  };

  it('takes one of a client holding more than the newcomer would with one more, before slower ones', () => {
    const heldTwice = [exportOf('catalog', 9, 1), exportOf('catalog', 9, 1)];
    // Slower, and handed less: what the later rules prefer.
    const single = exportOf('admin', 1);
    const all = [...heldTwice, single];
    expect(heldTwice).toContain(givingWay(all, 'story', SLOW_EXPORTS, NOW));
    // A newcomer already holding one has no more right to the place than admin has to its one.
    expect(givingWay([...all, exportOf('story', 1)], 'story', SLOW_EXPORTS, NOW)).toBe(single);
  });

  it('of equal holdings takes the slowest, then the one handed least, wherever it stands in the list', () => {
    const [a, b, c] = [exportOf('a', 9, 1), exportOf('b', 2), exportOf('c', 6)];
    expect(givingWay([a, b, c], 'z', SLOW_EXPORTS, NOW)).toBe(b);
    expect(givingWay([c, b, a], 'z', SLOW_EXPORTS, NOW)).toBe(b);
    expect(givingWay([a, c], 'z', SLOW_EXPORTS, NOW)).toBe(c);
  });

  it('never takes the newcomer’s own export, one too young, or one read fast enough', () => {
    const fast = exportOf('fast', 3, 2);
    const young = { ...exportOf('young', 0), started: NOW - 1_000 };
    expect(givingWay([exportOf('story', 0), fast, young], 'story', SLOW_EXPORTS, NOW)).toBeNull();
    expect(givingWay([], 'story', SLOW_EXPORTS, NOW)).toBeNull();
  });
});
