import { describe, expect, it } from 'vitest';
import { boundMapping, DEFAULT_MAPPED_MB, MappedLimitError, mappedLimitMb } from '../../src/cli/mapping.js';
import type { OpenedStore } from '../../src/store/open.js';

const MB = 1024 * 1024;

describe('IMPORT_EXPORT_MAPPED_MB', () => {
  it('defaults when unset, empty or blank, and reads whole numbers of MB from 1 to 1,048,576', () => {
    for (const value of [undefined, '', '   '])
      expect(mappedLimitMb({ IMPORT_EXPORT_MAPPED_MB: value })).toBe(DEFAULT_MAPPED_MB);
    expect(mappedLimitMb({})).toBe(32);
    expect(mappedLimitMb({ IMPORT_EXPORT_MAPPED_MB: '1' })).toBe(1);
    expect(mappedLimitMb({ IMPORT_EXPORT_MAPPED_MB: ' 64 ' })).toBe(64);
    expect(mappedLimitMb({ IMPORT_EXPORT_MAPPED_MB: '1048576' })).toBe(1_048_576);
  });

  it.each([
    '0',
    '-1',
    '1048577',
    '99999999999999999999',
    'abc',
    '1.5',
    '1e3',
    '0x10',
    'Infinity',
    'NaN',
    '__proto__',
    '٣',
    '6 4',
    `${'9'.repeat(10_000)}`,
  ])('refuses %j with a message naming the setting and its range', (value) => {
    const refuse = () => mappedLimitMb({ IMPORT_EXPORT_MAPPED_MB: value });
    expect(refuse).toThrow(MappedLimitError);
    expect(refuse).toThrow(
      /^IMPORT_EXPORT_MAPPED_MB must be a whole number of MB from 1 to 1048576 \(default 32\), got "/,
    );
    // A huge value is quoted shortened, not echoed whole.
    expect(() => refuse()).toThrow(expect.objectContaining({ message: expect.stringMatching(/^.{1,200}$/) }));
  });
});

function fakeStore(mapped: number | null, withRelease = true) {
  const calls: string[] = [];
  let now = mapped;
  const store = {
    mappedBytes: () => now,
    ...(withRelease
      ? {
          releaseMapping: async () => {
            calls.push('release');
            now = 0;
          },
        }
      : {}),
  } as unknown as OpenedStore;
  return { store, calls, set: (bytes: number | null) => (now = bytes) };
}

describe('boundMapping', () => {
  it('releases only once the mapped bytes pass the bound, and counts the releases', async () => {
    const { store, calls, set } = fakeStore(4 * MB);
    const bound = boundMapping(store, 4);
    await bound.afterBatch();
    expect(calls).toEqual([]);
    set(4 * MB + 1);
    await bound.afterBatch();
    await bound.afterBatch();
    expect(calls).toEqual(['release']);
    expect(bound.releases).toBe(1);
  });

  it('does nothing on a store without a mapping (Neo4j) or where the size cannot be read', async () => {
    const neo4j = {} as OpenedStore;
    const none = boundMapping(neo4j, 1);
    await none.afterBatch();
    expect(none.releases).toBe(0);
    const unknown = fakeStore(null);
    const bound = boundMapping(unknown.store, 1);
    await bound.afterBatch();
    expect(unknown.calls).toEqual([]);
    const noRelease = boundMapping(fakeStore(100 * MB, false).store, 1);
    await noRelease.afterBatch();
    expect(noRelease.releases).toBe(0);
  });
});
