import { NO_EXTERNAL_IDS } from '../domain/build.js';
import type { SeedFile } from '../seed/format.js';
import { familyName, givenName, pad, slugify } from './names.js';
import { derive } from './random.js';

export type SeedPerson = SeedFile['people'][number];

/** The global pool of people: enough for every series to cast ~30, with people shared across series. */
function peoplePoolSize(seriesCount: number): number {
  return Math.max(60, seriesCount * 12);
}

/** Generates the pool of people; slugs are unique by their numeric suffix. */
export function generatePeople(seed: number, seriesCount: number): SeedPerson[] {
  const random = derive(seed, -1);
  const size = peoplePoolSize(seriesCount);
  const people: SeedPerson[] = [];
  for (let i = 1; i <= size; i++) {
    const name = `${familyName(random)} ${givenName(random)}`;
    people.push({
      slug: `${slugify(name)}-${pad(i, 5)}`,
      name,
      nativeName: null,
      externalIds: NO_EXTERNAL_IDS,
      sources: [],
    });
  }
  return people;
}
