import { toGraphDocument } from '../../src/seed/document.js';
import { SEED_FORMAT } from '../../src/seed/format.js';
import { parseSeedText } from '../../src/seed/load.js';
import type { DramaStore } from '../../src/store/port.js';
import { seed } from './seeded.js';

/** A series of `episodes` episodes with `perEpisode` events each, between two characters, as seed text. */
export function bigSeriesText(slug: string, episodes: number, perEpisode: number): string {
  const source = { document: 'A made-up recap', paragraph: 1 };
  const events = [];
  for (let episode = 1; episode <= episodes; episode += 1)
    for (let sequence = 1; sequence <= perEpisode; sequence += 1)
      events.push({
        slug: `e-${episode}-${sequence}`,
        episode,
        sequence,
        kind: sequence % 2 === 0 ? 'CONFESSION' : 'MESSAGE',
        // U+2028 and U+2029 are line breaks to a regex's ^ but plain characters to JSON.
        summary: `Scene ${sequence} of episode ${episode}:\u2028a\u2029b "quoted" \\ and 한국어.`,
        agent: 'ha-na',
        target: 'do-yun',
        participants: [
          { character: 'ha-na', role: 'AGENT' },
          { character: 'do-yun', role: 'TARGET' },
        ],
        outcome: null,
        flashback: false,
        source,
      });
  const character = (s: string, name: string) => ({ slug: s, name, firstEpisode: 1, source });
  return JSON.stringify({
    format: SEED_FORMAT,
    people: [],
    series: [
      {
        slug,
        title: `Big ${slug}`,
        episodeCount: episodes,
        source,
        episodes: Array.from({ length: episodes }, (_, i) => ({ number: i + 1, source })),
        characters: [character('ha-na', 'Ha-na'), character('do-yun', 'Do-yun')],
        events,
      },
    ],
  });
}

/**
 * A series of two episodes whose `events` events each have all of `characters` characters (c0, c1, …) in them: those
 * from index `laterFrom` on are in episode 2, the rest in episode 1.
 */
export function denseSeriesText(slug: string, characters: number, events: number, laterFrom = events): string {
  const source = { document: 'A made-up recap', paragraph: 1 };
  const cast = Array.from({ length: characters }, (_, i) => `c${i}`);
  return JSON.stringify({
    format: SEED_FORMAT,
    people: [],
    series: [
      {
        slug,
        title: `Dense ${slug}`,
        episodeCount: 2,
        source,
        episodes: [
          { number: 1, source },
          { number: 2, source },
        ],
        characters: cast.map((c) => ({ slug: c, name: c.toUpperCase(), firstEpisode: 1, source })),
        events: Array.from({ length: events }, (_, i) => ({
          slug: `e-${i + 1}`,
          episode: i < laterFrom ? 1 : 2,
          sequence: i < laterFrom ? i + 1 : i - laterFrom + 1,
          kind: 'MOMENT',
          summary: `Everyone, scene ${i + 1}.`,
          agent: null,
          target: null,
          participants: cast.map((character) => ({ character, role: 'PRESENT' })),
          outcome: null,
          flashback: false,
          source,
        })),
      },
    ],
  });
}

/** Imports such a series into the store. */
export async function importBigSeries(store: DramaStore, slug: string, episodes: number, perEpisode: number) {
  const seed = parseSeedText(`${slug}.json`, bigSeriesText(slug, episodes, perEpisode));
  await store.importDocument(toGraphDocument([seed]));
}

/** A store loader: the seeds, then such a series. */
export const seedsAndBigSeries =
  (slug: string, episodes: number, perEpisode: number) =>
  async (store: DramaStore): Promise<void> => {
    await seed(store);
    await importBigSeries(store, slug, episodes, perEpisode);
  };
