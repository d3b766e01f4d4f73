import { describe, expect, it } from 'vitest';
import { RecentRate } from '../../src/plugins/export-series.js';

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
