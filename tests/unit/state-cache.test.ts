import { describe, expect, it } from 'vitest';
import { StateCache } from '../../src/schema/support/state-cache.js';
import type { StateTag } from '../../src/store/port.js';

/** A store stand-in whose tag the test turns: `write()` as this process writing, `tick()` as the clock. */
class FakeSource {
  stateTag: StateTag = { writes: 'w0', epoch: 0 };
  write(): void {
    this.stateTag = { ...this.stateTag, writes: `${this.stateTag.writes}+` };
  }
  tick(): void {
    this.stateTag = { ...this.stateTag, epoch: this.stateTag.epoch + 1 };
  }
}

/** Builds the test settles by hand; each resolves to its own number. */
class Builds {
  readonly pending: { resolve: (n: number) => void; reject: (e: Error) => void }[] = [];
  readonly build = () => new Promise<number>((resolve, reject) => this.pending.push({ resolve, reject }));
  get started(): number {
    return this.pending.length;
  }
  finish(i: number): void {
    this.pending[i]!.resolve(i);
  }
  fail(i: number): void {
    this.pending[i]!.reject(new Error(`build ${i} failed`));
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

function setup() {
  return { cache: new StateCache<number>(), source: new FakeSource(), builds: new Builds() };
}

/** A cache whose first build (0) is done, and a clock that has just turned. */
async function builtThenTicked() {
  const state = setup();
  const first = state.cache.get(state.source, state.builds.build);
  state.builds.finish(0);
  await first;
  state.source.tick();
  return { ...state, ask: () => state.cache.get(state.source, state.builds.build) };
}

describe('StateCache', () => {
  it('shares one build among concurrent asks and keeps it while the tag stays', async () => {
    const { cache, source, builds } = setup();
    const asks = [cache.get(source, builds.build), cache.get(source, builds.build)];
    builds.finish(0);
    expect(await Promise.all(asks)).toEqual([0, 0]);
    expect(await cache.get(source, builds.build)).toBe(0);
    expect(builds.started).toBe(1);
  });

  it('forgets a failed build, so the next ask builds again', async () => {
    const { cache, source, builds } = setup();
    const first = cache.get(source, builds.build);
    builds.fail(0);
    await expect(first).rejects.toThrow('build 0 failed');
    const second = cache.get(source, builds.build);
    builds.finish(1);
    expect(await second).toBe(1);
  });

  it('waits for a new build after this process writes (read your writes)', async () => {
    const { source, builds, ask } = await builtThenTicked();
    source.write();
    const after = ask();
    builds.finish(1);
    expect(await after).toBe(1);
    expect(builds.started).toBe(2);
  });

  it('serves the last value while the clock-turned tag rebuilds in the background, then the new one', async () => {
    const { builds, ask } = await builtThenTicked();
    expect(await ask()).toBe(0);
    expect(await ask()).toBe(0);
    expect(builds.started).toBe(2);
    builds.finish(1);
    await settle();
    expect(await ask()).toBe(1);
    expect(builds.started).toBe(2);
  });

  it('keeps serving the last value when a background build fails, and tries again on the next ask', async () => {
    const { builds, ask } = await builtThenTicked();
    expect(await ask()).toBe(0);
    builds.fail(1);
    await settle();
    expect(await ask()).toBe(0);
    expect(builds.started).toBe(3);
  });

  it('drops a background build that a write overtook: the write is seen, never the older build', async () => {
    const { source, builds, ask } = await builtThenTicked();
    expect(await ask()).toBe(0);
    source.write();
    const afterWrite = ask();
    builds.finish(1);
    await settle();
    builds.finish(2);
    expect(await afterWrite).toBe(2);
    expect(await ask()).toBe(2);
  });
});
