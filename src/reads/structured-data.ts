import type { PerformanceRole, Person, TVEpisode, TVSeries, WithContext } from 'schema-dts';
import { externalUrls } from '../domain/external-ids.js';
import type { CharacterRecord, PersonRecord } from '../domain/records.js';
import { episodeVisible, type Progress } from '../domain/spoilers.js';
import type { CreditRole } from '../domain/vocabulary.js';
import type { Loaders } from './loaders.js';

const personNode = (person: PersonRecord): Person => {
  const sameAs = externalUrls('person', person.externalIds);
  return {
    '@type': 'Person',
    name: person.name,
    ...(person.nativeName === null ? {} : { alternateName: person.nativeName }),
    ...(sameAs.length === 0 ? {} : { sameAs }),
  };
};

/** A fictional character, as schema.org's `character` (a Person) names them. */
const characterNode = (character: CharacterRecord): Person => {
  const alternateName = [character.nativeName, ...character.aliases.map((a) => a.name)].filter((name) => name !== null);
  return { '@type': 'Person', name: character.name, ...(alternateName.length === 0 ? {} : { alternateName }) };
};

/**
 * A series as schema.org JSON-LD: a TVSeries with its TVEpisodes, its cast as PerformanceRoles (actor and
 * characterName), its characters, directors and writers, and sameAs links to other sites. `loaders` carry the
 * viewer's progress (`progress`): later episodes, and characters not met yet (loaders.ts), are left out, with their cast.
 * Null when there is no such series.
 */
export async function seriesJsonLd(
  loaders: Loaders,
  progress: Progress,
  slug: string,
): Promise<WithContext<TVSeries> | null> {
  const series = await loaders.series.load(slug);
  if (series === null) return null;
  const [episodes, characters, castings, credits] = await Promise.all([
    loaders.episodesBySeries.load(series.key),
    loaders.charactersBySeries.load(series.key),
    loaders.castingsBySeries.load(series.key),
    loaders.creditsBySeries.load(series.key),
  ]);
  const shownCharacters = new Map(characters.map((c) => [c.key, c]));
  const cast = castings.filter((casting) => shownCharacters.has(casting.characterKey));
  const castKeys = new Set(cast.map((casting) => casting.personKey));
  const personKeys = [
    ...new Set([...cast.map((c) => c.personKey), ...series.starring, ...credits.map((c) => c.personKey)]),
  ];
  const people = new Map(
    (await loaders.person.loadMany(personKeys)).flatMap((p) => (p instanceof Error || p === null ? [] : [[p.key, p]])),
  );
  const known = (key: string) => people.get(key);

  const roles: PerformanceRole<Person, 'actor'>[] = cast.flatMap((casting) => {
    const person = known(casting.personKey);
    if (person === undefined) return [];
    return [
      {
        '@type': 'PerformanceRole',
        actor: personNode(person),
        characterName: shownCharacters.get(casting.characterKey)!.name,
      },
    ];
  });
  // The stars the sources bill without saying whom they play.
  const uncast = series.starring.filter((key) => !castKeys.has(key)).flatMap((key) => known(key) ?? []);
  const credited = (role: CreditRole) =>
    credits.flatMap((credit) => (credit.role === role ? (known(credit.personKey) ?? []) : [])).map(personNode);
  const shownEpisodes: TVEpisode[] = episodes
    .filter((episode) => episodeVisible(progress, series.key, episode.number))
    .map((episode) => ({
      '@type': 'TVEpisode',
      episodeNumber: episode.number,
      name: episode.title ?? `Episode ${episode.number}`,
      ...(episode.runtimeMinutes === null ? {} : { timeRequired: `PT${episode.runtimeMinutes}M` }),
    }));
  const sameAs = externalUrls('series', series.externalIds);

  return {
    '@context': 'https://schema.org',
    '@type': 'TVSeries',
    name: series.title,
    ...(series.originalTitle === null ? {} : { alternateName: series.originalTitle }),
    ...(series.country === null ? {} : { countryOfOrigin: { '@type': 'Country', name: series.country } }),
    ...(series.releaseYear === null ? {} : { startDate: String(series.releaseYear) }),
    ...(series.genres.length === 0 ? {} : { genre: series.genres }),
    numberOfEpisodes: series.episodeCount,
    episode: shownEpisodes,
    actor: [...roles, ...uncast.map(personNode)],
    character: characters.map(characterNode),
    director: credited('DIRECTOR'),
    author: credited('WRITER'),
    ...(sameAs.length === 0 ? {} : { sameAs }),
  };
}
