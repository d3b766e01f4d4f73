import { describe, expect, it } from 'vitest';
import { NO_EXTERNAL_IDS } from '../../src/domain/build.js';
import type { CastingRecord, CharacterRecord, PersonRecord } from '../../src/domain/records.js';
import type { Progress } from '../../src/domain/spoilers.js';
import { createLoaders, type LoaderMode, type LoaderStore } from '../../src/reads/loaders.js';
import { emptyPlannedAnswer, type PlannedAnswer } from '../../src/store/port.js';

/** A store that refuses every call: what these loaders answer at once must come from the planned answer alone. */
const noStore = new Proxy({} as LoaderStore, {
  get: (_target, property) => () => {
    throw new Error(`the store was asked ${String(property)}`);
  },
});

const character = (key: string, name: string, extra: Partial<CharacterRecord> = {}): CharacterRecord => ({
  key,
  seriesKey: key.slice(0, key.indexOf('/')),
  slug: key.slice(key.indexOf('/') + 1),
  name,
  nativeName: null,
  aliases: [],
  description: [],
  firstEpisode: null,
  sources: [],
  certainty: 'STATED',
  basis: [],
  ...extra,
});

const person = (key: string, name: string): PersonRecord => ({
  key,
  slug: key,
  name,
  nativeName: null,
  externalIds: NO_EXTERNAL_IDS,
  sources: [],
});

const casting = (characterKey: string, personKey: string): CastingRecord => ({
  key: `${characterKey}@${personKey}`,
  seriesKey: characterKey.slice(0, characterKey.indexOf('/')),
  personKey,
  characterKey,
  billing: 'MAIN',
  sources: [],
  certainty: 'STATED',
  basis: [],
});

const MI_RAE = character('s/mi-rae', 'Mi-rae', {
  aliases: [{ name: 'The Masked One', fromEpisode: 3 }],
  description: [
    { fromEpisode: 1, text: 'A baker.' },
    { fromEpisode: 4, text: 'A spy.' },
  ],
});
const ACTOR = person('actor-1', 'Actor One');
const UNDERSTUDY = person('actor-2', 'Actor Two');

const planned = (changes: Partial<PlannedAnswer> = {}): PlannedAnswer => ({
  ...emptyPlannedAnswer(),
  characters: [
    { key: MI_RAE.key, record: MI_RAE },
    { key: 's/nobody', record: null },
  ],
  characterCastings: [
    { characterKey: MI_RAE.key, items: [casting(MI_RAE.key, ACTOR.key), casting(MI_RAE.key, UNDERSTUDY.key)] },
  ],
  people: [
    { key: ACTOR.key, record: ACTOR },
    { key: UNDERSTUDY.key, record: UNDERSTUDY },
  ],
  ...changes,
});

const primed = (answer: PlannedAnswer, progress: Progress = new Map(), mode: LoaderMode = 'on') => {
  const loaders = createLoaders(noStore, progress, mode);
  loaders.prime(answer);
  return loaders;
};

describe("a planned read's records are answered without waiting, where no progress gates them", () => {
  it('answers a primed character and who plays them at once, the same objects each time, without the store', () => {
    const loaders = primed(planned());
    expect(loaders.characterNow(MI_RAE.key)).toEqual(MI_RAE);
    expect(loaders.characterNow(MI_RAE.key)).toBe(loaders.characterNow(MI_RAE.key));
    expect(loaders.portrayersNow(MI_RAE.key)).toEqual([ACTOR, UNDERSTUDY]);
    expect(loaders.portrayersNow(MI_RAE.key)).toBe(loaders.portrayersNow(MI_RAE.key));
  });

  it('answers nothing at once for keys the planned read did not hold, or held as missing, hostile keys included', () => {
    const loaders = primed(planned());
    for (const key of [
      's/nobody',
      's/unknown',
      '__proto__',
      'constructor',
      's/mi-rae\u0301',
      '',
      'x'.repeat(100_000),
    ]) {
      expect(loaders.characterNow(key), key.slice(0, 20)).toBeUndefined();
      expect(loaders.portrayersNow(key), key.slice(0, 20)).toBeUndefined();
    }
  });

  it('leaves who plays a character to the loaders when one of the people was not read, or was missing', () => {
    expect(primed(planned({ people: [{ key: ACTOR.key, record: ACTOR }] })).portrayersNow(MI_RAE.key)).toBeUndefined();
    const missing = planned({
      people: [
        { key: ACTOR.key, record: ACTOR },
        { key: UNDERSTUDY.key, record: null },
      ],
    });
    expect(primed(missing).portrayersNow(MI_RAE.key)).toBeUndefined();
  });

  it('answers nothing at once for a series the viewer gave progress for: the gated loaders decide there', () => {
    for (const episode of [1, 3, 4, 100]) {
      const loaders = primed(planned(), new Map([['s', episode]]));
      expect(loaders.characterNow(MI_RAE.key)).toBeUndefined();
      expect(loaders.portrayersNow(MI_RAE.key)).toBeUndefined();
    }
    const otherSeries = primed(planned(), new Map([['t', 1]]));
    expect(otherSeries.characterNow(MI_RAE.key)).toEqual(MI_RAE);
  });

  it('keeps the first of two planned reads of a key, as the primed loaders do', () => {
    const renamed = character(MI_RAE.key, 'Renamed');
    const loaders = primed(planned());
    loaders.prime(planned({ characters: [{ key: MI_RAE.key, record: renamed }], people: [] }));
    expect(loaders.characterNow(MI_RAE.key)?.name).toBe('Mi-rae');
    const first = primed(planned({ characters: [{ key: MI_RAE.key, record: renamed }] }));
    first.prime(planned());
    expect(first.characterNow(MI_RAE.key)?.name).toBe('Renamed');
  });

  it('keeps nothing with the loaders off (the benchmark N+1 baseline)', () => {
    const loaders = primed(planned(), new Map(), 'off');
    expect(loaders.characterNow(MI_RAE.key)).toBeUndefined();
    expect(loaders.portrayersNow(MI_RAE.key)).toBeUndefined();
  });
});
