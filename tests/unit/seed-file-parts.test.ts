import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeedValidationError } from '../../src/errors.js';
import { PEOPLE_FILE, seriesFile, writeCatalogue } from '../../src/generate/write.js';
import { type CheckedSeedFile, checkSeedFile, MAX_EVENT_BYTES } from '../../src/seed/file-check.js';
import type { SeedEvent, SeedFile } from '../../src/seed/format.js';
import { type EventBytes, SeedFileSplitter } from '../../src/seed/split.js';
import { bigSeriesText } from '../support/big-series.js';

let dir: string;
let people: Set<string>;
let series: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'drama-parts-'));
  await writeCatalogue({ series: 1, seed: 3, out: dir });
  const file = JSON.parse(await readFile(path.join(dir, PEOPLE_FILE), 'utf8'));
  people = new Set(file.people.map((p: { slug: string }) => p.slug));
  series = await readFile(path.join(dir, seriesFile(1)), 'utf8');
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const check = (name: string, streamFromBytes: number, eventsPerRead = 7) =>
  checkSeedFile(dir, name, { maxBytes: 2 ** 30, streamFromBytes, eventsPerRead, knownPeople: people });

async function eventsOf(file: CheckedSeedFile): Promise<SeedEvent[][]> {
  if (file.kind === 'whole') return file.seed.series.map((s) => s.events);
  const events: SeedEvent[][] = file.rest.series.map((s) => [...s.events]);
  try {
    for await (const read of file.eventReads())
      events[file.rest.series.findIndex((s) => s.slug === read.seriesSlug)]!.push(...read.events);
  } finally {
    await file.close();
  }
  return events;
}

const withoutEvents = (seed: SeedFile): SeedFile => ({
  ...seed,
  series: seed.series.map((s) => ({ ...s, events: [] })),
});

/** The file read whole and read in parts: both results, or both errors' issues. */
async function bothWays(name: string, content: string | Buffer, eventsPerRead = 7) {
  await writeFile(path.join(dir, name), content);
  const outcome = async (streamFromBytes: number) =>
    check(name, streamFromBytes, eventsPerRead).then(
      async (file) => ({ file, events: await eventsOf(file) }),
      (error: unknown) => {
        expect(error).toBeInstanceOf(SeedValidationError);
        return { issues: (error as SeedValidationError).issues };
      },
    );
  return { whole: await outcome(2 ** 30), parts: await outcome(0) };
}

const issuesOf = (outcome: object) => {
  expect(outcome).toHaveProperty('issues');
  return (outcome as { issues: unknown[] }).issues;
};

const mutated = (change: (seed: any) => void, space = 2): string => {
  const seed = JSON.parse(series);
  change(seed);
  return JSON.stringify(seed, null, space);
};

describe('a seed file read in parts', () => {
  it('gives the same records as the file read whole, its events a part at a time', async () => {
    const { whole, parts } = await bothWays('same.json', series);
    if (!('file' in whole) || !('file' in parts)) throw new Error('both should read');
    expect(whole.file.kind).toBe('whole');
    expect(parts.file.kind).toBe('streamed');
    if (whole.file.kind !== 'whole' || parts.file.kind !== 'streamed') return;
    expect(parts.file.rest).toEqual(withoutEvents(whole.file.seed));
    expect(parts.file.events).toBe(whole.file.seed.series[0]!.events.length);
    expect(parts.events).toEqual(whole.events);
    expect(parts.events[0]!.length).toBeGreaterThan(300);
  });

  it('reads events given before the rest of their series, and several series', async () => {
    const two = JSON.parse(series);
    const [first] = two.series;
    const { events, ...rest } = first;
    two.series = [
      { events, ...rest },
      { ...rest, slug: 'other-show', events: events.slice(0, 40) },
    ];
    const { whole, parts } = await bothWays('order.json', JSON.stringify(two));
    expect('file' in parts && parts.file.kind).toBe('streamed');
    expect('events' in whole && whole.events.map((e) => e.length)).toEqual([events.length, 40]);
    expect('events' in parts && parts.events).toEqual('events' in whole && whole.events);
  });

  it('reads text that spans its reads: multi-byte characters, U+2028, escapes', async () => {
    const text = bigSeriesText('wide', 3, 2400);
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 * 1024 * 1024);
    const { whole, parts } = await bothWays('wide.json', text, 500);
    expect('events' in parts && parts.events[0]).toHaveLength(7200);
    expect('events' in parts && parts.events).toEqual('events' in whole && whole.events);
  });

  it('keeps an events list spelled with an escape in the rest, and reads it all the same', async () => {
    const text = series.replace('"events":', '"ev\\u0065nts":');
    expect(text).not.toBe(series);
    const { whole, parts } = await bothWays('escaped.json', text);
    if (!('file' in parts) || parts.file.kind !== 'streamed') throw new Error('should read in parts');
    expect(parts.file.rest.series[0]!.events.length).toBeGreaterThan(300);
    expect(parts.events).toEqual('events' in whole && whole.events);
  });

  const sameIssues = [
    ['an event of an unknown kind', (s: any) => (s.series[0].events[250].kind = 'NOPE')],
    ['an event naming an unknown character', (s: any) => (s.series[0].events[300].agent = 'nobody')],
    ['an unknown participant', (s: any) => (s.series[0].events[12].participants[0].character = 'ghost')],
    ['an event slug given twice, parts apart', (s: any) => (s.series[0].events[390].slug = s.series[0].events[3].slug)],
    ['two events at one sequence', (s: any) => (s.series[0].events[101].sequence = s.series[0].events[100].sequence)],
    ['an episode with a gap', (s: any) => s.series[0].events.splice(150, 1)],
    ['an event in no episode', (s: any) => (s.series[0].events[77].episode = 99)],
    [
      'an event with a __proto__ field',
      (s: any) => Object.defineProperty(s.series[0].events[5], '__proto__', { value: {}, enumerable: true }),
    ],
    ['an event that is not an object', (s: any) => (s.series[0].events[42] = 'a confession')],
    ['a bad series title beside good events', (s: any) => (s.series[0].title = '')],
    ['events that are not a list', (s: any) => (s.series[0].events = 5)],
  ] as const;
  it.each(sameIssues)('refuses %s with the same issues as the file read whole', async (_, change) => {
    const { whole, parts } = await bothWays('bad.json', mutated(change));
    const wholeIssues = issuesOf(whole);
    expect(wholeIssues.length).toBeGreaterThan(0);
    expect(new Set(issuesOf(parts))).toEqual(new Set(wholeIssues));
  });

  it('refuses a key given twice in an event at the same line and column as read whole', async () => {
    const plain = mutated(() => {});
    const at = plain.indexOf('"kind": ', 100_000);
    const text = `${plain.slice(0, at)}"kind": "KISS", ${plain.slice(at)}`;
    const { whole, parts } = await bothWays('twice.json', text);
    expect(issuesOf(whole)).toHaveLength(1);
    expect(issuesOf(whole)[0]).toMatchObject({
      rule: 'duplicate-key',
      field: expect.stringMatching(/^series\.0\.events\.\d+\.kind$/),
    });
    expect(issuesOf(parts)).toEqual(issuesOf(whole));
  });

  it('refuses invalid UTF-8 in an event at the same byte as read whole', async () => {
    const at = series.indexOf('"summary"', 150_000) + 12;
    const bytes = Buffer.concat([
      Buffer.from(series.slice(0, at)),
      Buffer.from([0xe2, 0x28, 0xa1]),
      Buffer.from(series.slice(at)),
    ]);
    const { whole, parts } = await bothWays('utf8.json', bytes);
    expect(issuesOf(whole)[0]).toMatchObject({ rule: 'invalid-utf8', message: `is not valid UTF-8 (byte ${at})` });
    expect(issuesOf(parts)).toEqual(issuesOf(whole));
  });

  it.each([
    ['an empty element', (t: string) => t.replace(/\}\s*,\s*\{\s*"slug": "e/, '}, , {"slug": "e')],
    ['a trailing comma', (t: string) => t.replace(/\}(\s*)\](\s*)\}(\s*)\](\s*)\}\s*$/, '},$1]$2}$3]$4}')],
    ['a leading comma', (t: string) => t.replace('"events": [', '"events": [,')],
    ['two values in one element', (t: string) => t.replace(/\}(\s*),(\s*)\{(\s*)"slug": "e/, '} {}$1,$2{$3"slug": "e')],
    ['a file cut inside the events', (t: string) => t.slice(0, 120_000)],
    ['a closing brace for a bracket', (t: string) => t.replace(/"participants": \[([^\]]*)\]/, '"participants": [$1}')],
  ])('refuses %s as JSON either way', async (_, change) => {
    const text = change(mutated(() => {}));
    expect(text).not.toBe(mutated(() => {}));
    const { whole, parts } = await bothWays('json.json', text);
    expect(issuesOf(whole)).toMatchObject([{ rule: 'json' }]);
    expect(issuesOf(parts)).toMatchObject([{ rule: 'json' }]);
  });

  it('refuses an event nested past the depth limit, and one event past its size, without holding more', async () => {
    const deep = mutated((s) => (s.series[0].events[200].summary = JSON.parse(`${'['.repeat(120)}${']'.repeat(120)}`)));
    const { whole, parts } = await bothWays('deep.json', deep);
    expect(issuesOf(whole)).toMatchObject([{ rule: 'too-deep' }]);
    expect(issuesOf(parts)).toMatchObject([{ rule: 'too-deep' }]);

    const huge = mutated((s) => (s.series[0].events[200].summary = 'x'.repeat(MAX_EVENT_BYTES)));
    const both = await bothWays('huge.json', huge);
    expect(issuesOf(both.whole)).toMatchObject([{ rule: 'max-length', field: 'summary' }]);
    expect(issuesOf(both.parts)).toEqual([
      {
        file: 'huge.json',
        record: '(file)',
        field: 'series.0.events.200',
        message: expect.stringContaining(`more than ${MAX_EVENT_BYTES} bytes`),
        rule: 'file-too-large',
      },
    ]);
  });

  it('stops, naming the file, when the file changes between its check and its write', async () => {
    await writeFile(path.join(dir, 'moving.json'), series);
    const file = await check('moving.json', 0);
    if (file.kind !== 'streamed') throw new Error('should read in parts');
    await writeFile(
      path.join(dir, 'moving.json'),
      mutated((s) => (s.series[0].events[380].summary = 'Changed.')),
    );
    const reads = [];
    const error = await (async () => {
      for await (const read of file.eventReads()) reads.push(read);
    })().then(
      () => null,
      (e: unknown) => e,
    );
    await file.close();
    expect(error).toBeInstanceOf(SeedValidationError);
    expect((error as SeedValidationError).issues).toMatchObject([{ file: 'moving.json', rule: 'file-changed' }]);
  });
});

describe('the splitter', () => {
  const split = (bytes: Buffer, sizes: (i: number) => number) => {
    const events: EventBytes[] = [];
    const splitter = new SeedFileSplitter({ maxRestBytes: 2 ** 30, maxEventBytes: 2 ** 30, maxDepth: 100 }, (e) =>
      events.push(e),
    );
    for (let at = 0, i = 0; at < bytes.length; i++) {
      const size = sizes(i);
      splitter.feed(bytes.subarray(at, at + size));
      at += size;
    }
    return { rest: splitter.rest().toString(), events: events.map((e) => ({ ...e, bytes: e.bytes.toString() })) };
  };

  it('splits the same however the bytes are cut', () => {
    const bytes = Buffer.from(`\uFEFF${bigSeriesText('cut', 1, 40).replace('"events":', '"events" :\n ')}`);
    const once = split(bytes, () => bytes.length);
    expect(once.events).toHaveLength(40);
    expect(JSON.parse(once.rest.slice(1)).series[0].events).toEqual([]);
    expect(once.events.map((e) => JSON.parse(e.bytes))).toEqual(JSON.parse(bytes.toString().slice(1)).series[0].events);
    expect(split(bytes, () => 1)).toEqual(once);
    expect(split(bytes, (i) => 1 + ((i * 7919) % 61))).toEqual(once);
  });

  it('leaves alone lists named events elsewhere, and keys that only look alike', () => {
    const text = JSON.stringify({
      events: [1, 2],
      series: [{ notes: { events: [3] }, 'events"': [4], events: [{ a: '"events": [' }] }],
    });
    const { rest, events } = split(Buffer.from(text), () => 5);
    expect(events.map((e) => JSON.parse(e.bytes))).toEqual([{ a: '"events": [' }]);
    expect(JSON.parse(rest)).toEqual({ ...JSON.parse(text), series: [{ ...JSON.parse(text).series[0], events: [] }] });
  });
});
