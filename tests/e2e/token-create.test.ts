import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTokens } from '../../src/auth/token-config.js';
import { authenticate } from '../../src/auth/verify.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

/** `npm run token:create -- …` as a user runs it (without npm's banner). */
async function tokenCreate(...args: string[]) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--enable-source-maps', 'dist/scripts/token-create.js', ...args],
      {
        cwd: ROOT,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
const tokenIn = (stdout: string) => /^(dg_[\w-]+)$/m.exec(stdout)?.[1];

describe('npm run token:create', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'drama-token-create-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('prints a list that pastes as DRAMA_TOKENS as printed, and whose token verifies', async () => {
    const { code, stdout } = await tokenCreate('--name', 'wiki-bot', '--scopes', 'write:story,write:catalog');
    expect(code).toBe(0);
    const list = stdout.slice(stdout.indexOf('\n[') + 1);
    const tokens = loadTokens({ DRAMA_TOKENS: list });
    expect(tokens.map((token) => token.name)).toEqual(['wiki-bot']);
    expect(authenticate(tokens, `Bearer ${tokenIn(stdout)}`)).toMatchObject({ ok: true });
  });

  it('--append FILE: concurrent runs each add their entry to one valid list, created with mode 0600', async () => {
    const file = path.join(dir, 'tokens.json');
    const names = ['bot-a', 'bot-b', 'bot-c', 'bot-d', 'bot-e'];
    const runs = await Promise.all(
      names.map((name) => tokenCreate('--name', name, '--scopes', 'write:story', '--append', file)),
    );
    expect(runs.map((each) => each.code)).toEqual(names.map(() => 0));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const tokens = loadTokens({ DRAMA_TOKENS_FILE: file });
    expect(tokens.map((token) => token.name).sort()).toEqual(names);
    for (const each of runs) expect(authenticate(tokens, `Bearer ${tokenIn(each.stdout)}`)).toMatchObject({ ok: true });
  });

  it('--append refuses a duplicate name and a file that is not a list, exits 1, prints no token and changes nothing', async () => {
    const file = path.join(dir, 'refusals.json');
    expect((await tokenCreate('--name', 'wiki-bot', '--scopes', 'write:story', '--append', file)).code).toBe(0);
    const before = await readFile(file, 'utf8');
    const duplicate = await tokenCreate('--name', 'wiki-bot', '--scopes', 'admin', '--append', file);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/already has a token named "wiki-bot"/);
    expect(tokenIn(duplicate.stdout)).toBeUndefined();
    expect(await readFile(file, 'utf8')).toBe(before);

    const single = path.join(dir, 'single.json');
    const object = JSON.stringify({ name: 'old', sha256: 'a'.repeat(64), scopes: ['write:story'] });
    await writeFile(single, object);
    const notList = await tokenCreate('--name', 'new-bot', '--scopes', 'write:story', '--append', single);
    expect(notList.code).toBe(1);
    expect(notList.stderr).toMatch(/not a JSON list/);
    expect(await readFile(single, 'utf8')).toBe(object);
  });

  it('refuses a missing --append value and a bad scope with the usage or the reason', async () => {
    const empty = await tokenCreate('--name', 'x', '--scopes', 'write:story', '--append', '');
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/usage/);
    const scope = await tokenCreate('--name', 'x', '--scopes', 'write:everything');
    expect(scope.code).toBe(1);
    expect(scope.stderr).toMatch(/scopes/);
  });

  it('--help prints the usage and the scopes; repeated scopes are listed once; a bad name says what a name is', async () => {
    const help = await tokenCreate('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run token:create/);
    expect(help.stdout).toContain('write:story');
    const twice = await tokenCreate('--name', 'twice', '--scopes', 'write:story, write:story,admin');
    expect(twice.code).toBe(0);
    const list = JSON.parse(twice.stdout.slice(twice.stdout.indexOf('\n[') + 1));
    expect(list[0].scopes).toEqual(['write:story', 'admin']);
    for (const name of ['__proto__', '.lead', '']) {
      const bad = await tokenCreate('--name', name, '--scopes', 'write:story');
      expect(bad.code, name).toBe(1);
      if (name) expect(bad.stderr, name).toMatch(/starting with a letter or a digit/);
    }
  });
});
