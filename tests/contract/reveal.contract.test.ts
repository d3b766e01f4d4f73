import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeGlobalID } from '@pothos/plugin-relay';
import pLimit from 'p-limit';
import { afterAll, expect, it } from 'vitest';
import type { PlannerMode } from '../../src/config/settings.js';
import type { GraphDocument } from '../../src/domain/records.js';
import { writeCatalogue } from '../../src/generate/write.js';
import { schema } from '../../src/graphql-schema.js';
import { MAX_PLANNED_FIELDS, PLANNED_ROOT_FIELDS } from '../../src/reads/planner/plan.js';
import { loadSeedDirectory } from '../../src/seed/load.js';
import { importSeedDirectory } from '../../src/seed/stream.js';
import { createDramaYoga, type DramaYoga } from '../../src/yoga.js';
import { describeEachStore } from '../support/each-store.js';
import { graphql } from '../support/graphql.js';
import { futureOnly, rootFields, selectionOf, stringsIn } from '../support/reveal-walk.js';
import { SEED_DIR } from '../support/seeded.js';

const AT_3 = { 'x-watched-through': 'soundtrack-1@3' };
const SEO_YEON = encodeGlobalID('Character', 'soundtrack-1/seo-yeon');
const SUN_WOO = encodeGlobalID('Character', 'soundtrack-1/sun-woo');
const SENIOR_JUNIOR = encodeGlobalID('Relationship', 'soundtrack-1/sun-woo-seo-yeon-senior-junior');
const BEST_FRIENDS = encodeGlobalID('Relationship', 'soundtrack-1/eun-soo-sun-woo-best-friends');

/** The walk asks for far more than a client may; only its answers matter here. */
const unlimited = (store: Parameters<typeof createDramaYoga>[0]['store'], planner: PlannerMode = 'on'): DramaYoga =>
  createDramaYoga({
    store,
    graphiql: false,
    ops: {
      planner,
      limits: {
        depth: 100,
        aliases: 100_000,
        tokens: 10_000_000,
        cost: Number.MAX_SAFE_INTEGER,
        bodyBytes: 100_000_000,
      },
      budget: { objects: 100_000_000, bytes: 1_000_000_000, timeMs: 600_000 },
    },
  });

describeEachStore('the reveal model: nothing before its episode', (service) => {
  const ask = async (query: string, headers: Record<string, string> = AT_3) => {
    const response = await graphql(service().yoga, query, undefined, headers);
    expect(response.errors).toBeUndefined();
    return response.data!;
  };

  it('lists, finds and fetches only the characters met by the viewer', async () => {
    const data = await ask(`{
      series(slug: "soundtrack-1") { episodeCount episodes { number } characters { slug firstEpisode } cast { character { slug } } }
      finale: episode(series: "soundtrack-1", number: 4) { number }
      character(series: "soundtrack-1", slug: "seo-yeon") { name }
      byId: node(id: "${SEO_YEON}") { id }
      search(query: "Seo-yeon") { node { __typename } }
      senior: node(id: "${SENIOR_JUNIOR}") { id }
      sunWoo: character(series: "soundtrack-1", slug: "sun-woo") {
        firstEpisode relationships { from { slug } to { slug } } spoilersHidden
        portrayedBy { castings { character { slug } } }
      }
      path: connection(from: "${SUN_WOO}", to: "${SEO_YEON}") { hops }
      fromHidden: connection(from: "${SEO_YEON}", to: "${SUN_WOO}") { hops }
    }`);
    expect(data.series.characters).toEqual([
      { slug: 'eun-soo', firstEpisode: 1 },
      { slug: 'sun-woo', firstEpisode: 1 },
    ]);
    expect(new Set(data.series.cast.map((c: any) => c.character.slug))).toEqual(new Set(['eun-soo', 'sun-woo']));
    expect(data.series.episodes).toEqual([{ number: 1 }, { number: 2 }, { number: 3 }]);
    expect(data.series.episodeCount).toBe(4);
    expect(data.finale).toBeNull();
    expect(data.character).toBeNull();
    expect(data.byId).toBeNull();
    expect(data.search).toEqual([]);
    expect(data.senior).toBeNull();
    const ends = data.sunWoo.relationships.flatMap((r: any) => [r.from.slug, r.to.slug]);
    expect(new Set(ends)).toEqual(new Set(['eun-soo', 'sun-woo']));
    expect(data.sunWoo.firstEpisode).toBe(1);
    expect(data.path).toEqual([]);
    expect(data.fromHidden).toEqual([]);
  });

  it('answers a filter on a character not met yet as it answers one on nobody: nothing listed, only the series-wide hidden count', async () => {
    const filtered = (role: string, slug: string) =>
      `${role}_${slug.replace('-', '_')}: events(filter: { series: "soundtrack-1", ${role}: "${slug}" }) { totalCount spoilersHidden }`;
    const data = await ask(
      `{ ${['participant', 'agent', 'target'].flatMap((role) => ['seo-yeon', 'woo-il', 'nobody'].map((slug) => filtered(role, slug))).join(' ')} }`,
    );
    const { events: all } = await ask('{ events(filter: { series: "soundtrack-1" }) { spoilersHidden } }');
    expect(all.spoilersHidden).toBeGreaterThan(0);
    for (const answer of Object.values(data))
      expect(answer).toEqual({ totalCount: 0, spoilersHidden: all.spoilersHidden });
    const met = await ask(
      '{ events(filter: { series: "soundtrack-1", participant: "eun-soo" }) { totalCount spoilersHidden } }',
    );
    expect(met.events.spoilersHidden).toBeGreaterThan(0);
    const at4 = await ask('{ events(filter: { series: "soundtrack-1", participant: "seo-yeon" }) { totalCount } }', {
      'x-watched-through': 'soundtrack-1@4',
    });
    expect(at4.events.totalCount).toBeGreaterThan(0);
  });

  it('counts the relationships with a character not met yet in spoilersHidden', async () => {
    const at3 = await ask(
      '{ character(series: "soundtrack-1", slug: "ma-ri") { name } sunWoo: character(series: "soundtrack-1", slug: "sun-woo") { spoilersHidden } }',
    );
    expect(at3.character).toBeNull();
    const at4 = await ask('{ character(series: "soundtrack-1", slug: "ma-ri") { name firstEpisode } }', {
      'x-watched-through': 'soundtrack-1@4',
    });
    expect(at4.character).toEqual({ name: 'Ma-ri', firstEpisode: 4 });
    expect(at3.sunWoo.spoilersHidden).toBeGreaterThan(0);
  });

  it('hides a relationship revealed in a later episode, though it held since before the story, and counts it', async () => {
    const LATER = ['sun-woo-loves-eun-soo', 'eun-soo-sun-woo-home'];
    const ids = LATER.map((slug) => encodeGlobalID('Relationship', `soundtrack-1/${slug}`));
    const asOf = [1, 2, 3, 4].map((n) => `at${n}: relationships(asOfEpisode: ${n}) { slug revealedIn }`).join(' ');
    const query = `{
      character(series: "soundtrack-1", slug: "sun-woo") { spoilersHidden events { slug } ${asOf} }
      relationshipTimeline(series: "soundtrack-1", a: "eun-soo", b: "sun-woo") { before after began { slug } }
      nodes: ${ids.map((id, i) => `n${i}: node(id: "${id}") { id }`).join(' ')}
    }`.replace('nodes: ', '');
    const slugsOf = (character: any, upTo: number) =>
      new Set([1, 2, 3, 4].slice(0, upTo).flatMap((n) => character[`at${n}`].map((r: { slug: string }) => r.slug)));
    const all = await ask(query, {});
    const everything = slugsOf(all.character, 4);
    for (const slug of LATER) expect(everything).toContain(slug);
    expect(all.character.at1).toContainEqual({ slug: 'sun-woo-loves-eun-soo', revealedIn: 4 });
    for (const episode of [1, 2, 3]) {
      const at = await ask(query, { 'x-watched-through': `soundtrack-1@${episode}` });
      const shown = slugsOf(at.character, episode);
      for (const slug of LATER) expect(shown).not.toContain(slug);
      expect(JSON.stringify(at.relationshipTimeline)).not.toMatch(
        /sun-woo-loves-eun-soo|eun-soo-sun-woo-home|HOUSEMATE/,
      );
      expect([at.n0, at.n1]).toEqual([null, null]);
      // every event of Sun-woo is in episode 4; the rest of the count is the relationships held back
      const hiddenRelationships = [...everything].filter((slug) => !shown.has(slug));
      expect(hiddenRelationships).toEqual(expect.arrayContaining(LATER));
      expect(at.character.spoilersHidden).toBe(all.character.events.length + hiddenRelationships.length);
    }
    const at4 = await ask(query, { 'x-watched-through': 'soundtrack-1@4' });
    expect(at4.character.at1).toContainEqual({ slug: 'sun-woo-loves-eun-soo', revealedIn: 4 });
    expect(at4.character.at4).toContainEqual({ slug: 'eun-soo-sun-woo-home', revealedIn: 4 });
    expect(at4.n0).toEqual({ id: ids[0] });
    expect(at4.character.spoilersHidden).toBe(0);
  });

  it('shows everyone from their first episode on, and to a viewer with no progress in the series', async () => {
    const progresses: Record<string, string>[] = [
      { 'x-watched-through': 'soundtrack-1@4' },
      {},
      { 'x-watched-through': 'godspeed@1' },
    ];
    for (const headers of progresses) {
      const data = await ask(
        '{ series(slug: "soundtrack-1") { characters { slug } } search(query: "Seo-yeon") { node { __typename } } }',
        headers,
      );
      expect(data.series.characters).toHaveLength(9);
      expect(data.search).toHaveLength(1);
    }
  });

  it('takes progress in several series at once, and leaves the others unrestricted', async () => {
    const data = await ask(
      '{ series(slug: "soundtrack-1") { characters { slug } } godspeed: series(slug: "godspeed") { title } }',
      { 'x-watched-through': 'soundtrack-1@3, godspeed@1' },
    );
    expect(data.series.characters.map((c: any) => c.slug)).toEqual(['eun-soo', 'sun-woo']);
    expect(data.godspeed.title).toBeTruthy();
  });

  it('never answers a string that only a later episode reveals, walking the whole schema at every episode', async () => {
    const doc: GraphDocument = await loadSeedDirectory(SEED_DIR);
    const walked = await walkEveryEpisode(bothPaths(service().store), doc);
    expect(walked.get('soundtrack-1@3')).toBeGreaterThan(20);
  }, 600_000);

  it('shows the description and note revealed by the progress, the latest overall without progress', async () => {
    const query = `{ character(series: "soundtrack-1", slug: "eun-soo") { description descriptionRevisions { fromEpisode } }
      relationship: node(id: "${BEST_FRIENDS}") { ... on Relationship { note noteRevisions { fromEpisode } } } }`;
    const at3 = await ask(query);
    expect(at3.character.description).toBe("A lyricist and Sun-woo's best friend.");
    expect(at3.character.descriptionRevisions).toEqual([{ fromEpisode: 1 }]);
    expect(at3.relationship.note).toBe('Close friends since long before the story opens.');
    expect(at3.relationship.noteRevisions).toEqual([{ fromEpisode: 1 }]);
    const progresses: Record<string, string>[] = [
      { 'x-watched-through': 'soundtrack-1@4' },
      {},
      { 'x-watched-through': 'godspeed@1' },
    ];
    for (const headers of progresses) {
      const later = await ask(query, headers);
      expect(later.character.description).toMatch(/tells him so/);
      expect(later.character.descriptionRevisions).toEqual([{ fromEpisode: 1 }, { fromEpisode: 4 }]);
      expect(later.relationship.note).toMatch(/becomes a romance/);
    }
  });
});

/** The catalogue `npm run generate` writes, small: one series of 16 episodes, text revealed along the way. */
const GENERATED_SERIES = 1;
/** Episodes walked at once. */
const WALK_CONCURRENCY = 8;
const GENERATED_SEED = 13;
let generatedDir: Promise<string> | undefined;
const generatedCatalogue = () => {
  generatedDir ??= (async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'drama-reveal-generated-'));
    await writeCatalogue({ series: GENERATED_SERIES, seed: GENERATED_SEED, out });
    return out;
  })();
  return generatedDir;
};
afterAll(async () => {
  if (generatedDir) await rm(await generatedDir, { recursive: true, force: true });
});

describeEachStore(
  'the reveal model over a generated catalogue',
  (service) => {
    it('never answers a string that only a later episode reveals, at every episode of every series', async () => {
      const doc = await loadSeedDirectory(await generatedCatalogue());
      const revisedLater = doc.characters.filter((c) => c.description.some((r) => r.fromEpisode > 1));
      expect(revisedLater.length).toBeGreaterThan(2);
      // aliases named from a later episode, as the generated files state them (not as the loader reads them)
      const files = (await readdir(await generatedCatalogue())).filter((f) => f.startsWith('series-'));
      const laterAliases = (
        await Promise.all(files.map(async (f) => readFile(path.join(await generatedCatalogue(), f), 'utf8')))
      ).flatMap((text) =>
        JSON.parse(text).series.flatMap((s: any) =>
          s.characters.flatMap((c: any) => c.aliases.filter((a: any) => typeof a === 'object' && a.fromEpisode > 1)),
        ),
      );
      expect(laterAliases.length).toBeGreaterThan(2);
      const sampledAliases = sampled(doc)[0].characters.flatMap((c) => c.aliases.filter((a) => a.fromEpisode > 1));
      expect(sampledAliases.length).toBeGreaterThan(0);
      const walked = await walkEveryEpisode(bothPaths(service().store), doc, sampled(doc));
      expect(walked.size).toBe(GENERATED_SERIES * 16);
      for (const series of doc.series) expect(walked.get(`${series.slug}@1`)).toBeGreaterThan(20);
    }, 1_200_000);
  },
  async (store) => {
    await importSeedDirectory(store, await generatedCatalogue());
  },
);

/**
 * The roots of a walk over a large document: some of each kind of record (series(slug) still lists every
 * character, their descriptions and relationships), and few connections, to keep answers small.
 * The oracle still judges every string against the whole document.
 */
function sampled(doc: GraphDocument): Parameters<typeof rootFields> {
  const every = <T>(items: readonly T[], n: number) => items.filter((_, i) => i % n === 0);
  return [
    {
      ...doc,
      characters: every(doc.characters, 12),
      events: every(doc.events, 100),
      relationships: every(doc.relationships, 24),
    },
    1,
  ];
}

/** The query planner on, and off: the walk proves both answer byte for byte the same at every episode. */
const bothPaths = (store: Parameters<typeof createDramaYoga>[0]['store']) => ({
  planned: unlimited(store, 'on'),
  unplanned: unlimited(store, 'off'),
});

/**
 * Walks the whole schema with progress at every episode of every series of `doc`, and fails on any answered
 * string that only facts revealed later hold, or on any answer the loaders alone (planner off) give otherwise.
 * Answers, by progress, how many such strings there were to leak.
 */
async function walkEveryEpisode(
  paths: ReturnType<typeof bothPaths>,
  doc: GraphDocument,
  rootsFrom: Parameters<typeof rootFields> = [doc],
) {
  const roots = rootFields(...rootsFrom);
  const queryType = schema.getQueryType()!;
  const fieldOf = (root: string) => queryType.getFields()[root.split('(')[0]!]!;
  // Roots the planner covers go in documents of their own, few enough to be planned every one, and are
  // answered on both paths; the rest are answered once.
  const planned: string[] = [];
  const documents: string[] = [];
  let part: string[] = [];
  let size = 0;
  const tokens = (selection: string) => selection.split(/\s+/).length;
  for (const [i, root] of roots.entries()) {
    const type = namedOf(fieldOf(root).type);
    const selection = selectionOf(schema, type, 2);
    if (PLANNED_ROOT_FIELDS.includes(fieldOf(root).name)) {
      planned.push(`r${i}: ${root} ${selection}`);
      continue;
    }
    if (size + tokens(selection) > 6_000 && part.length > 0) {
      documents.push(`{ ${part.join('\n')} }`);
      part = [];
      size = 0;
    }
    part.push(`r${i}: ${root} ${selection}`);
    size += tokens(selection);
  }
  if (part.length > 0) documents.push(`{ ${part.join('\n')} }`);
  const bothWays = new Set<string>();
  for (let i = 0; i < planned.length; i += MAX_PLANNED_FIELDS) {
    const query = `{ ${planned.slice(i, i + MAX_PLANNED_FIELDS).join('\n')} }`;
    bothWays.add(query);
    documents.push(query);
  }
  expect(bothWays.size).toBeGreaterThan(0);
  const walked = new Map<string, number>();
  // Episodes are independent: several at once, so the store's round trips overlap (the checks stay the same).
  const limit = pLimit(WALK_CONCURRENCY);
  const walks: Promise<void>[] = [];
  for (const series of doc.series) {
    for (let episode = 1; episode <= Math.max(series.episodeCount, 1); episode += 1) {
      walks.push(
        limit(async () => {
          const at = `${series.slug}@${episode}`;
          const { strings, unmetNames } = futureOnly(doc, series.key, episode);
          const seen = new Set<string>();
          for (const query of documents) {
            const response = await graphql(paths.planned, query, undefined, { 'x-watched-through': at });
            expect(response.errors, `${at}: ${JSON.stringify(response.errors)}`).toBeUndefined();
            if (bothWays.has(query)) {
              const loaded = await graphql(paths.unplanned, query, undefined, { 'x-watched-through': at });
              expect(JSON.stringify(response) === JSON.stringify(loaded), `${at}: planned and unplanned differ`).toBe(
                true,
              );
            }
            stringsIn(response.data, seen);
          }
          const leaked = [...seen].filter((s) => strings.has(s));
          const named = [...seen].filter((s) => unmetNames.some((name) => new RegExp(`\\b${name}\\b`).test(s)));
          expect({ at, leaked, named }).toEqual({ at, leaked: [], named: [] });
          walked.set(at, strings.size);
        }),
      );
    }
  }
  await Promise.all(walks);
  return walked;
}

function namedOf(type: import('graphql').GraphQLOutputType): import('graphql').GraphQLNamedType {
  return 'ofType' in type ? namedOf(type.ofType as import('graphql').GraphQLOutputType) : type;
}
