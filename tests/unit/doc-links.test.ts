import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const markdownIn = (dir: string) =>
  readdirSync(path.join(ROOT, dir))
    .filter((file) => file.endsWith('.md'))
    .sort()
    .map((file) => path.join(dir, file));
const PAGES = ['README.md', ...markdownIn('docs'), ...markdownIn('bench')];

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of withoutFences(markdown).matchAll(/^#{1,6} +(.+?) *#* *$/gm)) {
    const text = heading!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*_]/g, '');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

const withoutFences = (markdown: string) => markdown.replace(/^```[\s\S]*?^```/gm, '');
const withoutCode = (markdown: string) => withoutFences(markdown).replace(/`[^`\n]*`/g, '``');

/** Relative links of a page, `[text](target)` and `[text]: target`, outside code. */
function relativeLinks(markdown: string): string[] {
  const text = withoutCode(markdown);
  const targets = [...text.matchAll(/\]\(([^)\s]+)(?: "[^"]*")?\)/g), ...text.matchAll(/^\[[^\]]+\]: +(\S+)/gm)].map(
    (m) => m[1]!,
  );
  return targets.filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

function brokenLinks(page: string): string[] {
  const markdown = readFileSync(path.join(ROOT, page), 'utf8');
  const broken: string[] = [];
  for (const link of relativeLinks(markdown)) {
    const [file, anchor] = link.split('#', 2) as [string, string | undefined];
    const target =
      file === '' ? path.join(ROOT, page) : path.resolve(path.dirname(path.join(ROOT, page)), decodeURI(file));
    if (!target.startsWith(ROOT + path.sep) || !existsSync(target)) {
      broken.push(`${link}: no such file`);
      continue;
    }
    if (anchor === undefined || !target.endsWith('.md') || statSync(target).isDirectory()) continue;
    if (!headingAnchors(readFileSync(target, 'utf8')).has(decodeURI(anchor))) broken.push(`${link}: no such heading`);
  }
  return broken;
}

describe('links between the pages', () => {
  it.each(PAGES)('%s links only to files and headings that exist', (page) => {
    expect(brokenLinks(page)).toEqual([]);
  });

  it('README.md links to every page in docs/ and to the benchmark', () => {
    const links = new Set(
      relativeLinks(readFileSync(path.join(ROOT, 'README.md'), 'utf8')).map((link) => link.split('#')[0]),
    );
    for (const page of [...markdownIn('docs'), 'bench/README.md']) expect(links, page).toContain(page);
  });

  it('finds anchors and links as GitHub does, and only outside code', () => {
    const page =
      '# Run it\n## `npm run seed` & more\n## Run it\n```\n# not a heading [x](nowhere.md)\n```\n[a](b.md#run-it-1) `[c](d.md)` [e](https://x.test/)\n[f]: g.md\n';
    expect([...headingAnchors(page)]).toEqual(['run-it', 'npm-run-seed--more', 'run-it-1']);
    expect(relativeLinks(page)).toEqual(['b.md#run-it-1', 'g.md']);
  });
});
