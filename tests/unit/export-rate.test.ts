import { describe, expect, it } from 'vitest';
import { givingWay, RecentRate, SLOW_EXPORTS, type Streaming } from '../../src/plugins/export-series.js';

const KIB = 1024;
const SLOW = SLOW_EXPORTS.bytesPerSecond;
const WINDOW = SLOW_EXPORTS.windowMs;
const PIECE = 700 * KIB;

describe('the rate an export is read at (RecentRate), over the window that decides a slow export', () => {
  it('finds a reader of nothing slow once the window has passed the socket buffers’ first fill, however large', () => {
    for (const buffered of [4, 12]) {
      const rate = new RecentRate(WINDOW);
      const pieces = Math.ceil((buffered * 1024 * KIB) / PIECE);
      for (let i = 0; i < pieces; i += 1) rate.add(PIECE, i * 50);
      expect(rate.perSecond(3_000), `${buffered} MiB`).toBeGreaterThanOrEqual(SLOW);
      // Red team 40: averaged since the start, a 12 MiB fill looked fast for 34 s.
      expect(rate.perSecond(WINDOW + pieces * 50), `${buffered} MiB`).toBe(0);
    }
  });

  it('finds a reader that takes a piece at 300 KiB/s fast all along, after a first fill of 3 MiB', () => {
    const rate = new RecentRate(WINDOW);
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

  // Red team 41: the kernel takes an export in steps of about 1.3 MB as its send queue drains, so a steady reader
  // is handed a step every so often; over a 5 s window, readers at 300 to 500 KiB/s showed one step and were cut.
  it('finds readers at 300 KiB/s and more fast at every moment, when they are handed steps of up to 2 MiB', () => {
    for (const step of [1.3 * 1024 * KIB, 2 * 1024 * KIB])
      for (const pace of [300, 400, 500, 1024].map((k) => k * KIB))
        for (const phase of [0, 0.25, 0.5, 0.75]) {
          const rate = new RecentRate(WINDOW);
          rate.add(4 * 1024 * KIB, 0);
          const every = (step / pace) * 1000;
          let handedAt = phase * every;
          for (let now = 0; now <= 120_000; now += 50) {
            while (handedAt <= now) {
              rate.add(step, handedAt);
              handedAt += every;
            }
            if (now >= WINDOW)
              expect(rate.perSecond(now), `${step} B steps at ${pace / KIB} KiB/s, ${now} ms`).toBeGreaterThanOrEqual(
                SLOW,
              );
          }
        }
  });

  it('finds a reader of 64 KiB/s or less slow most of the time, whatever its steps', () => {
    const rate = new RecentRate(WINDOW);
    const step = 1.3 * 1024 * KIB;
    const every = (step / (64 * KIB)) * 1000;
    let slow = 0;
    let handedAt = 0;
    for (let now = 0; now <= 300_000; now += 100) {
      while (handedAt <= now) {
        rate.add(step, handedAt);
        handedAt += every;
      }
      if (rate.perSecond(now) < SLOW) slow += 1;
    }
    expect(slow / 3_000).toBeGreaterThan(0.5);
  });

  it('finds a reader at 30 KiB/s slow, and a window of 0 as short as 1 ms', () => {
    const rate = new RecentRate(WINDOW);
    const every = (PIECE / (30 * KIB)) * 1000;
    for (let i = 1; i <= 10; i += 1) rate.add(PIECE, i * every);
    expect(rate.perSecond(10 * every + 1)).toBeLessThan(SLOW);
    const instant = new RecentRate(0);
    instant.add(PIECE, 0);
    expect(instant.perSecond(0)).toBe(PIECE * 1000);
    expect(instant.perSecond(2)).toBe(0);
    expect(new RecentRate(WINDOW).perSecond(0)).toBe(0);
  });
});

describe('which export gives its place to a newcomer (givingWay)', () => {
  const NOW = 60_000;
  /** An export of `client` started at 0, handed `total` pieces, `recent` of them within the window (each 70 KiB/s). */
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
