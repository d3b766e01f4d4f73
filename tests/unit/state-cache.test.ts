import { describe, expect, it } from 'vitest';
import { StateCache } from '../../src/reads/state-cache.js';
import type { StateTag } from '../../src/store/port.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

/**
 * A store stand-in the test drives: `write()` as this process writing (tag and data change), `otherWrite()`
 * as another process writing (only the data changes), `tick()` as the clock turning the tag's epoch.
 */
class FakeSource {
  stateTag: StateTag = { writes: 'w0', epoch: 0 };
  soleWriter = false;
  private data = 0;
  versionChecks = 0;
  async dataVersion(): Promise<string> {
    this.versionChecks++;
    return `d${this.data}`;
  }
  write(): void {
    this.data++;
    this.stateTag = { ...this.stateTag, writes: `${this.stateTag.writes}+` };
  }
  otherWrite(): void {
    this.data++;
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
  async finish(i: number): Promise<void> {
    await settle();
    this.pending[i]!.resolve(i);
  }
  async fail(i: number): Promise<void> {
    await settle();
    this.pending[i]!.reject(new Error(`build ${i} failed`));
  }
}

/** Updates after this process's writes: each resolves to the value it was given plus 100. */
class Updates {
  readonly given: number[] = [];
  readonly update = async (previous: number) => {
    this.given.push(previous);
    return previous + 100;
  };
}

function setup(soleWriter = false) {
  const state = {
    cache: new StateCache<number>(),
    source: Object.assign(new FakeSource(), { soleWriter }),
    builds: new Builds(),
    updates: new Updates(),
  };
  return {
    ...state,
    ask: () => state.cache.get(state.source, state.builds.build),
    askUpdating: () => state.cache.get(state.source, state.builds.build, state.updates.update),
  };
}

/** A cache whose first build (0) is done. */
async function built(soleWriter = false) {
  const state = setup(soleWriter);
  const first = state.ask();
  await state.builds.finish(0);
  await first;
  return state;
}

/** A built cache after another process wrote and the clock turned: the first ask starts the background build (1). */
async function revalidating() {
  const state = await built();
  state.source.otherWrite();
  state.source.tick();
  expect(await state.ask()).toBe(0);
  return state;
}

describe('StateCache', () => {
  it('shares one build among concurrent asks and keeps it while the tag stays', async () => {
    const { builds, ask } = setup();
    const asks = [ask(), ask()];
    await builds.finish(0);
    expect(await Promise.all(asks)).toEqual([0, 0]);
    expect(await ask()).toBe(0);
    expect(builds.started).toBe(1);
  });

  it('forgets a failed build, so the next ask builds again', async () => {
    const { builds, ask } = setup();
    const first = ask();
    await builds.fail(0);
    await expect(first).rejects.toThrow('build 0 failed');
    const second = ask();
    await builds.finish(1);
    expect(await second).toBe(1);
  });

  it('waits for a new build after this process writes (read your writes)', async () => {
    const { source, builds, ask } = await built();
    source.write();
    const after = ask();
    await builds.finish(1);
    expect(await after).toBe(1);
    expect(builds.started).toBe(2);
  });

  it('keeps the value when the clock turns but the data version has not changed: no rebuild', async () => {
    const { source, builds, ask } = await built();
    source.tick();
    expect(await ask()).toBe(0);
    await settle();
    expect(await ask()).toBe(0);
    expect(source.versionChecks).toBe(2);
    expect(builds.started).toBe(1);
  });

  it("serves the last value while another process's write is rebuilt in the background, then the new one", async () => {
    const { source, builds, ask } = await built();
    source.otherWrite();
    expect(await ask()).toBe(0);
    source.tick();
    expect(await ask()).toBe(0);
    expect(await ask()).toBe(0);
    await builds.finish(1);
    await settle();
    expect(await ask()).toBe(1);
    expect(builds.started).toBe(2);
  });

  it('keeps serving the last value when a background build fails, and tries again on the next ask', async () => {
    const { builds, ask } = await revalidating();
    await builds.fail(1);
    await settle();
    expect(await ask()).toBe(0);
    await settle();
    expect(builds.started).toBe(3);
  });

  it('drops a background build that a write overtook: the write is seen, never the older build', async () => {
    const { source, builds, ask } = await revalidating();
    await settle();
    source.write();
    const afterWrite = ask();
    await builds.finish(1);
    await builds.finish(2);
    expect(await afterWrite).toBe(2);
    await settle();
    expect(await ask()).toBe(2);
  });
});

describe("StateCache with an update for this process's writes", () => {
  it('updates the last value after a write instead of building, and keeps the update while the tag stays', async () => {
    const { source, builds, updates, askUpdating } = await built();
    source.write();
    expect(await askUpdating()).toBe(100);
    expect(await askUpdating()).toBe(100);
    expect(updates.given).toEqual([0]);
    expect(builds.started).toBe(1);
  });

  it('updates a value still being built, so a write during the build is not lost', async () => {
    const { source, builds, updates, askUpdating } = setup();
    const during = askUpdating();
    source.write();
    const after = askUpdating();
    await builds.finish(0);
    expect(await during).toBe(0);
    expect(await after).toBe(100);
    expect(updates.given).toEqual([0]);
  });

  it('chains writes: each update starts from the one before', async () => {
    const { source, updates, askUpdating } = await built();
    source.write();
    const first = askUpdating();
    source.write();
    expect(await askUpdating()).toBe(200);
    expect(await first).toBe(100);
    expect(updates.given).toEqual([0, 100]);
  });

  it('builds when the value it would update failed', async () => {
    const { source, builds, updates, askUpdating } = setup();
    const failing = askUpdating();
    source.write();
    const after = askUpdating();
    await builds.fail(0);
    await expect(failing).rejects.toThrow('build 0 failed');
    await builds.finish(1);
    expect(await after).toBe(1);
    expect(updates.given).toEqual([]);
  });

  it('keeps the data version the updated value was built from, so the next turn of the clock revalidates it', async () => {
    const { source, builds, askUpdating } = await built();
    source.write();
    expect(await askUpdating()).toBe(100);
    source.tick();
    expect(await askUpdating()).toBe(100);
    await builds.finish(1);
    await settle();
    expect(await askUpdating()).toBe(1);
  });

  it("keeps the updated value when the clock turns, if this process is the store's sole writer", async () => {
    const { source, builds, updates, askUpdating } = await built(true);
    source.write();
    expect(await askUpdating()).toBe(100);
    source.tick();
    expect(await askUpdating()).toBe(100);
    await settle();
    await settle();
    expect(await askUpdating()).toBe(100);
    expect(builds.started).toBe(1);
    expect(updates.given).toEqual([0]);
  });

  it('a sole writer still builds again when a write it did not journal moved the data version', async () => {
    const { source, builds, askUpdating } = await built(true);
    source.write();
    expect(await askUpdating()).toBe(100);
    source.otherWrite();
    source.tick();
    expect(await askUpdating()).toBe(100);
    await builds.finish(1);
    await settle();
    expect(await askUpdating()).toBe(1);
  });

  it("without stale-while-revalidate, waits after a turn of the clock: another process's write is built, else the value kept", async () => {
    const state = setup();
    const cache = new StateCache<number>({ staleWhileRevalidate: false });
    const ask = () => cache.get(state.source, state.builds.build, state.updates.update);
    const first = ask();
    await state.builds.finish(0);
    expect(await first).toBe(0);
    state.source.tick();
    expect(await ask()).toBe(0);
    expect(state.builds.started).toBe(1);
    state.source.otherWrite();
    state.source.tick();
    const [a, b] = [ask(), ask()];
    await state.builds.finish(1);
    expect([await a, await b]).toEqual([1, 1]);
    expect(state.builds.started).toBe(2);
    state.source.write();
    expect(await ask()).toBe(101);
    expect(state.updates.given).toEqual([1]);
  });
});
