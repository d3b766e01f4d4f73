import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createToken } from '../../src/auth/create-token.js';
import { loadTokens } from '../../src/auth/token-config.js';
import { appendTokenEntry, TokenFileError } from '../../src/auth/token-file.js';
import { authenticate } from '../../src/auth/verify.js';

describe('appendTokenEntry (token:create --append)', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'drama-tokens-'));
    file = path.join(dir, 'tokens.json');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const entry = (name: string) => createToken(name, ['write:story']).entry;
  const names = async () => (JSON.parse(await readFile(file, 'utf8')) as { name: string }[]).map((each) => each.name);

  it('creates the file as a list, readable only by its owner, that the service loads and whose token verifies', async () => {
    const { token, entry: created } = createToken('wiki-bot', ['write:story', 'write:catalog']);
    await appendTokenEntry(file, created);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const tokens = loadTokens({ DRAMA_TOKENS_FILE: file });
    expect(authenticate(tokens, `Bearer ${token}`)).toMatchObject({ ok: true, viewer: { tokenName: 'wiki-bot' } });
  });

  it('appends to an existing list, keeping its entries and its mode', async () => {
    await appendTokenEntry(file, entry('first'));
    await chmod(file, 0o640);
    await appendTokenEntry(file, entry('second'));
    expect(await names()).toEqual(['first', 'second']);
    expect((await stat(file)).mode & 0o777).toBe(0o640);
    expect(loadTokens({ DRAMA_TOKENS_FILE: file })).toHaveLength(2);
  });

  it('loses no entry when many appends run at once, and leaves no temporary file', async () => {
    const all = Array.from({ length: 24 }, (_, i) => `bot-${i}`);
    await Promise.all(all.map((name) => appendTokenEntry(file, entry(name))));
    expect((await names()).sort()).toEqual([...all].sort());
    expect((await readdir(dir)).sort()).toEqual(['tokens.json', 'tokens.json.lock']);
  });

  it('refuses a name already in the file, also when two appends of it race, and keeps the file as it was', async () => {
    await appendTokenEntry(file, entry('wiki-bot'));
    const before = await readFile(file, 'utf8');
    await expect(appendTokenEntry(file, entry('wiki-bot'))).rejects.toThrow(/already has a token named "wiki-bot"/);
    expect(await readFile(file, 'utf8')).toBe(before);
    const raced = await Promise.allSettled([
      appendTokenEntry(file, entry('twin')),
      appendTokenEntry(file, entry('twin')),
    ]);
    expect(raced.map((each) => each.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await names()).toEqual(['wiki-bot', 'twin']);
  });

  const hostile: [string, string, RegExp][] = [
    ['a single object (what token:create used to print)', JSON.stringify(entry('solo')), /not a JSON list/],
    ['an object keyed __proto__', '{"__proto__": []}', /not a JSON list/],
    ['a string', '"[]"', /not a JSON list/],
    ['null', 'null', /not a JSON list/],
    ['not JSON', '[{"name": "a",', /not valid JSON/],
    ['an empty file', '', /not valid JSON/],
    ['a byte-order mark and a list', '\uFEFF[]', /not valid JSON/],
    [
      'a list with an entry the service refuses',
      '[{"name": "ünïcode", "sha256": "00", "scopes": []}]',
      /name|sha256|scope/,
    ],
    ['a list naming a token twice', JSON.stringify([entry('dup'), { ...entry('dup') }]), /configured twice/],
  ];
  for (const [what, text, message] of hostile) {
    it(`refuses a file holding ${what}, and leaves it as it was`, async () => {
      await writeFile(file, text);
      await expect(appendTokenEntry(file, entry('new-bot'))).rejects.toThrow(message);
      await expect(appendTokenEntry(file, entry('new-bot'))).rejects.toBeInstanceOf(TokenFileError);
      expect(await readFile(file, 'utf8')).toBe(text);
      expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    });
  }

  it('refuses a directory and a file in a directory that does not exist', async () => {
    await mkdir(path.join(dir, 'a-directory'));
    await expect(appendTokenEntry(path.join(dir, 'a-directory'), entry('x'))).rejects.toThrow(/not a regular file/);
    await expect(appendTokenEntry(path.join(dir, 'missing', 'tokens.json'), entry('x'))).rejects.toThrow(
      TokenFileError,
    );
  });

  it('writes through a symbolic link to the list it points at, keeping the link', async () => {
    await appendTokenEntry(file, entry('first'));
    const link = path.join(dir, 'link.json');
    await symlink(file, link);
    await appendTokenEntry(link, entry('second'));
    expect(await names()).toEqual(['first', 'second']);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(link, 'utf8')).toBe(await readFile(file, 'utf8'));
  });
});
