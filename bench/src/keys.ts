import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** Real keys of the loaded catalogue that the operations ask about. */
export interface BenchKeys {
  series: string;
  character: string;
  asOfEpisode: number;
  /** Two characters whose relationship changes over the episodes. */
  pair: [string, string];
  searchText: string;
  /** A character of the same series, not directly related to `character`. */
  farCharacter: string;
}

interface SeedRelationship {
  from: string;
  to: string;
  kind: string;
}
interface SeedSeries {
  slug: string;
  characters: { slug: string; name: string }[];
  relationships: SeedRelationship[];
}

/** The first relationship that changes kind over the story (a friendship that turns romantic). */
function changingPair(series: SeedSeries): SeedRelationship {
  const romantic = series.relationships.find((r) => r.kind === 'ROMANTIC');
  return romantic ?? series.relationships[0]!;
}

function unrelatedTo(series: SeedSeries, slug: string): string {
  const related = new Set(
    series.relationships.flatMap((r) => (r.from === slug || r.to === slug ? [r.from, r.to] : [])),
  );
  const far = series.characters.find((c) => !related.has(c.slug));
  return (far ?? series.characters.at(-1)!).slug;
}

function keysOfSeries(series: SeedSeries): BenchKeys {
  const pair = changingPair(series);
  const name = series.characters.find((c) => c.slug === pair.from)!.name;
  return {
    series: series.slug,
    character: pair.from,
    asOfEpisode: 8,
    pair: [pair.from, pair.to],
    searchText: name.toLowerCase(),
    farCharacter: unrelatedTo(series, pair.from),
  };
}

async function seriesAt(dir: string, pick: (count: number) => number): Promise<SeedSeries> {
  const files = (await readdir(dir)).filter((f) => f.startsWith('series-')).sort();
  const document = JSON.parse(await readFile(path.join(dir, files[pick(files.length)]!), 'utf8')) as {
    series: SeedSeries[];
  };
  return document.series[0]!;
}

/** Keys of the middle series of a generated catalogue, deterministically. */
export const keysOfCatalogue = async (dir: string): Promise<BenchKeys> =>
  keysOfSeries(await seriesAt(dir, (n) => Math.floor((n - 1) / 2)));

/** Keys of the first series: other list sizes, for checking that round trips do not depend on them. */
export const otherKeysOfCatalogue = async (dir: string): Promise<BenchKeys> =>
  keysOfSeries(await seriesAt(dir, () => 0));
