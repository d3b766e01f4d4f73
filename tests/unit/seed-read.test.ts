import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../src/domain/records.js';
import { SeedValidationError } from '../../src/errors.js';
import { canonicalFiles, PEOPLE_FILE } from '../../src/seed/canonical.js';
import { loadSeedDirectory, parseSeedValue } from '../../src/seed/load.js';
import { readSeedJson } from '../../src/seed/read.js';
import { ImportDirectoryError, importSeedDirectory } from '../../src/seed/stream.js';
import type { DramaStore } from '../../src/store/port.js';

const SEEDS = path.resolve(import.meta.dirname, '../../seeds');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'drama-read-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function issueOf(name: string, content: string | Buffer | null, maxBytes?: number) {
  if (content !== null) await writeFile(path.join(dir, name), content);
  const error = await readSeedJson(dir, name, maxBytes)
    .then((raw) => parseSeedValue(name, raw))
    .then(
      () => null,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(SeedValidationError);
  return (error as SeedValidationError).issues[0]!;
}

const person = (name: string) => JSON.stringify({ format: 'drama-graph/seed@1', people: [{ slug: 'a', name }] });

describe('reading a hostile seed file names the file, the record and the rule', () => {
  it('drops a leading byte-order mark and reads the rest', async () => {
    const text = await readFile(path.join(SEEDS, 'godspeed.json'), 'utf8');
    await writeFile(path.join(dir, 'bom.json'), `\uFEFF${text}`);
    expect(await readSeedJson(dir, 'bom.json')).toEqual(JSON.parse(text));
  });

  it('refuses invalid UTF-8 instead of reading it as replacement characters, at its byte', async () => {
    const bytes = Buffer.concat([
      Buffer.from(person('Ab').slice(0, -4)),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}]}'),
    ]);
    expect(await issueOf('latin.json', bytes)).toEqual({
      file: 'latin.json',
      record: '(file)',
      field: '(utf-8)',
      message: `is not valid UTF-8 (byte ${person('Ab').length - 4})`,
      rule: 'invalid-utf8',
    });
  });

  it('refuses text that is not JSON', async () => {
    expect(await issueOf('prose.json', 'Once upon a time')).toMatchObject({ field: '(json)', rule: 'json' });
    expect(await issueOf('cut.json', person('Ab').slice(0, 30))).toMatchObject({ rule: 'json' });
  });

  it('refuses a file larger than the bound before reading it', async () => {
    expect(await issueOf('big.json', person('x'.repeat(2000)), 1000)).toMatchObject({
      file: 'big.json',
      rule: 'file-too-large',
    });
  });

  it('refuses a huge string by the field rule', async () => {
    expect(await issueOf('huge.json', person('x'.repeat(1_000_000)))).toMatchObject({
      file: 'huge.json',
      field: 'name',
      rule: 'max-length',
    });
  });

  it('refuses deep nesting without overflowing the stack', async () => {
    const deep = `{"format":"drama-graph/seed@1","people":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    const issue = await issueOf('deep.json', deep);
    expect(issue.file).toBe('deep.json');
    expect(issue.rule).toBeTruthy();
  });

  it('refuses a key given twice in one object, naming the file, the path and the rule', async () => {
    const seed = JSON.parse(await readFile(path.join(SEEDS, 'soundtrack-1.json'), 'utf8'));
    const text = JSON.stringify(seed, null, 2);
    // The second name of the second character: JSON.parse would keep it silently.
    const second = seed.series[0].characters[1];
    const twice = text.replace(
      `"name": ${JSON.stringify(second.name)}`,
      `"name": ${JSON.stringify(second.name)},\n          "name": "Someone Else"`,
    );
    expect(twice).not.toBe(text);
    const issue = await issueOf('twice.json', twice);
    expect(issue).toMatchObject({
      file: 'twice.json',
      record: '(file)',
      field: 'series.0.characters.1.name',
      rule: 'duplicate-key',
    });
    expect(issue.message).toMatch(/given twice.*line \d+, column \d+/);
    for (const [name, content, field] of [
      ['top.json', '{"format":"drama-graph/seed@1","people":[],"format":"drama-graph/seed@1"}', 'format'],
      ['escaped.json', '{"format":"drama-graph/seed@1","people":[],"peopl\\u0065":[]}', 'people'],
      ['proto-twice.json', '{"__proto__":{},"format":"drama-graph/seed@1","__proto__":{"polluted":true}}', '__proto__'],
      [
        'unicode.json',
        '{"format":"drama-graph/seed@1","people":[{"slug":"a","name":"A","名":1,"名":2}]}',
        'people.0.名',
      ],
    ] as const)
      expect(await issueOf(name, content), name).toMatchObject({ file: name, field, rule: 'duplicate-key' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The same key in different objects is no duplicate, however many there are.
    const many = JSON.stringify({
      format: 'drama-graph/seed@1',
      people: Array.from({ length: 20_000 }, (_, i) => ({ slug: `p-${i}`, name: `P ${i}` })),
    });
    await writeFile(path.join(dir, 'many.json'), many);
    expect(await readSeedJson(dir, 'many.json')).toEqual(JSON.parse(many));
  });

  it('refuses a duplicate key on every import path: the CLI import and the seeding at start', async () => {
    const seeds = await mkdtemp(path.join(tmpdir(), 'drama-dup-'));
    const untouchable = new Proxy({} as DramaStore, {
      get: () => {
        throw new Error('the store was touched');
      },
    });
    try {
      await writeFile(path.join(seeds, 'a.json'), '{"format":"drama-graph/seed@1","people":[],"people":[]}');
      const cli = await importSeedDirectory(untouchable, seeds).catch((e: unknown) => e);
      expect(cli).toBeInstanceOf(SeedValidationError);
      expect((cli as SeedValidationError).issues[0]).toMatchObject({ file: 'a.json', rule: 'duplicate-key' });
      expect((cli as SeedValidationError).message).toMatch(/a\.json: \(file\): people: .*\[duplicate-key\]/);
      const start = await loadSeedDirectory(seeds).catch((e: unknown) => e);
      expect((start as SeedValidationError).issues[0]).toMatchObject({ file: 'a.json', rule: 'duplicate-key' });
    } finally {
      await rm(seeds, { recursive: true, force: true });
    }
  });

  it('escapes control characters of the file in the lines it prints (no terminal escape sequences pass through)', async () => {
    const text = JSON.stringify({
      format: 'drama-graph/seed@1',
      people: [{ slug: 'a-\u001b[31mred\u001b]0;x\u0007\u0000', name: 'Q' }],
    });
    const issue = await issueOf('escape.json', text);
    const printed = new SeedValidationError([issue]).message;
    expect(printed).toContain('\\u001b[31mred');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: what must not be printed
    expect(printed.split('\n').slice(1).join('')).not.toMatch(/[\u0000-\u001f]/);
    expect(new SeedValidationError([await issueOf('lines.json', '"hello\nworld')]).message).not.toContain(
      'hello\nworld',
    );
  });

  it('refuses a __proto__ key as an unknown field, and pollutes nothing', async () => {
    const text = '{"format":"drama-graph/seed@1","__proto__":{"polluted":true},"people":[]}';
    expect(await issueOf('proto.json', text)).toMatchObject({ file: 'proto.json', rule: 'unrecognized_keys' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a symlink loop, a dangling link and a directory, as files it cannot read', async () => {
    await symlink('loop.json', path.join(dir, 'loop.json'));
    expect(await issueOf('loop.json', null)).toMatchObject({ file: 'loop.json', rule: 'unreadable' });
    expect((await issueOf('loop.json', null)).message).toContain('ELOOP');
    await symlink('nowhere.json', path.join(dir, 'dangling.json'));
    expect(await issueOf('dangling.json', null)).toMatchObject({ rule: 'unreadable' });
    await mkdir(path.join(dir, 'folder.json'));
    expect(await issueOf('folder.json', null)).toMatchObject({ rule: 'not-a-file' });
  });

  it('refuses a directory holding no seed file, or none at all, before touching the store', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'drama-empty-'));
    const untouchable = new Proxy({} as DramaStore, {
      get: () => {
        throw new Error('the store was touched');
      },
    });
    try {
      await expect(importSeedDirectory(untouchable, empty)).rejects.toThrow(ImportDirectoryError);
      await writeFile(path.join(empty, 'notes.txt'), 'not a seed');
      await expect(importSeedDirectory(untouchable, empty)).rejects.toThrow('holds no *.json seed file');
      await expect(importSeedDirectory(untouchable, path.join(empty, 'missing'))).rejects.toThrow(ImportDirectoryError);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe('normal formatting', () => {
  it('writes the people file as the canonical JSON writer would write it whole', async () => {
    const files = canonicalFiles(await loadSeedDirectory(SEEDS));
    const people = JSON.parse(files.get(PEOPLE_FILE)!);
    expect(files.get(PEOPLE_FILE)).toBe(`${JSON.stringify(people, null, 2)}\n`);
    expect(people.people.length).toBe(8);
    const empty = canonicalFiles({ ...(await loadSeedDirectory(SEEDS)), people: [] }).get(PEOPLE_FILE)!;
    expect(empty).toBe(`${JSON.stringify({ format: 'drama-graph/seed@1', people: [], series: [] }, null, 2)}\n`);
  });

  it('is a fixed point: a normally formatted directory formats to the same bytes', async () => {
    const once = canonicalFiles(await loadSeedDirectory(SEEDS));
    const out = await mkdtemp(path.join(tmpdir(), 'drama-normal-'));
    try {
      for (const [name, text] of once) await writeFile(path.join(out, name), text);
      expect(canonicalFiles(await loadSeedDirectory(out))).toEqual(once);
      // Nothing is lost on the way: every field of every record reads back (firstEpisode, externalIds…).
      const byKey = (doc: GraphDocument) =>
        Object.fromEntries(
          Object.entries(doc).map(([c, records]) => [c, [...records].sort((a, b) => (a.key < b.key ? -1 : 1))]),
        );
      expect(byKey(await loadSeedDirectory(out))).toEqual(byKey(await loadSeedDirectory(SEEDS)));
      expect([...once.keys()]).toEqual([
        '0-people.json',
        'series-godspeed.json',
        'series-soundtrack-1.json',
        'series-the-time-travelers-wife.json',
        'series-wrong-side-of-the-tracks.json',
      ]);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
