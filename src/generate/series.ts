import { NO_EXTERNAL_IDS } from '../domain/build.js';
import type { SeedSeries } from '../seed/format.js';
import { generateEpisodeEvents } from './events.js';
import { familyName, givenName, pad, seriesTitle, slugify } from './names.js';
import type { SeedPerson } from './people.js';
import { derive, type Random } from './random.js';
import { generateRelationships } from './relationships.js';

export const EPISODES_PER_SERIES = 16;

export function seriesSlug(index: number): string {
  return `generated-${pad(index, 4)}`;
}

/** Every third character's description changes in a later episode, so reveal order has text to hide. */
function revisions(name: string, i: number): SeedSeries['characters'][number]['description'] {
  const intro = { fromEpisode: 1, text: `${name} is introduced` };
  if (i % 3 !== 0) return [intro];
  const later = 2 + (i % (EPISODES_PER_SERIES - 1));
  return [intro, { fromEpisode: later, text: `${name} reveals a secret in episode ${later}` }];
}

/** Every fourth character is also known by another name from a later episode, so reveal order has names to hide. */
function aliases(i: number): SeedSeries['characters'][number]['aliases'] {
  if (i % 4 !== 1) return [];
  return [{ name: `Stranger ${i}`, fromEpisode: 2 + (i % (EPISODES_PER_SERIES - 1)) }];
}

function characters(random: Random): SeedSeries['characters'] {
  const count = random.int(27, 33);
  const list: SeedSeries['characters'] = [];
  for (let i = 1; i <= count; i++) {
    const name = `${givenName(random)} ${familyName(random)}`;
    list.push({
      slug: `${slugify(name)}-${i}`,
      name,
      nativeName: null,
      aliases: aliases(i),
      description: revisions(name, i),
      firstEpisode: null,
      certainty: 'STATED',
      basis: [],
      sources: [],
    });
  }
  return list;
}

function castings(
  chars: SeedSeries['characters'],
  cast: readonly SeedPerson[],
  source: SeedSeries['sources'][number],
): SeedSeries['castings'] {
  return chars.map((c, i) => ({
    person: cast[i]!.slug,
    character: c.slug,
    billing: i < 4 ? ('MAIN' as const) : i < 14 ? ('SUPPORTING' as const) : ('GUEST' as const),
    certainty: 'STATED' as const,
    basis: [],
    sources: [source],
  }));
}

/** One series, deterministic in (seed, index), casting from the shared pool of people. */
export function generateSeries(seed: number, index: number, people: readonly SeedPerson[]): SeedSeries {
  const random = derive(seed, index);
  const slug = seriesSlug(index);
  const document = `${slug} synthetic recap`;
  const source = { document, paragraph: null };
  const chars = characters(random);
  const cast = random.sample(people, chars.length + 2);
  const crew = random.chance(0.5) ? [cast[chars.length]!, cast[chars.length + 1]!] : [cast[0]!, cast[chars.length]!];
  const slugs = chars.map((c) => c.slug);
  const names = new Map(chars.map((c) => [c.slug, c.name]));
  const episodes = Array.from({ length: EPISODES_PER_SERIES }, (_, i) => ({
    number: i + 1,
    title: `Episode ${i + 1}`,
    runtimeMinutes: random.int(45, 70),
    sources: [source],
  }));
  return {
    slug,
    title: seriesTitle(random, index),
    originalTitle: null,
    country: random.pick(['South Korea', 'Japan', 'Spain', 'Turkey']),
    releaseYear: random.int(2000, 2025),
    platforms: [random.pick(['Netflix', 'Disney+', 'tvN', 'JTBC'])],
    genres: random.sample(['romance', 'melodrama', 'comedy', 'thriller', 'fantasy'], 2),
    episodeCount: EPISODES_PER_SERIES,
    starring: cast.slice(0, 4).map((p) => p.slug),
    externalIds: NO_EXTERNAL_IDS,
    sources: [source],
    episodes,
    characters: chars,
    castings: castings(chars, cast, source),
    credits: [
      { person: crew[0]!.slug, role: 'DIRECTOR', sources: [source] },
      { person: crew[1]!.slug, role: 'WRITER', sources: [source] },
    ],
    relationships: generateRelationships(slugs, random, EPISODES_PER_SERIES, { document, paragraph: 1 }),
    events: episodes.flatMap((e) => generateEpisodeEvents(e.number, slugs, names, random, `${document} ${e.number}`)),
  };
}
