/** What every episode key of a series starts with; no series key holds its '/'. */
export const episodeKeyPrefix = (seriesKey: string): string => `${seriesKey}/`;
export const episodeKey = (seriesKey: string, number: number): string => `${episodeKeyPrefix(seriesKey)}${number}`;
export const scopedKey = (seriesKey: string, slug: string): string => `${seriesKey}/${slug}`;
export const castingKey = (characterKey: string, personKey: string): string => `${characterKey}@${personKey}`;
export const creditKey = (seriesKey: string, personKey: string, role: string): string =>
  `${seriesKey}@${personKey}#${role}`;

export const slugOf = (scoped: string): string => scoped.slice(scoped.indexOf('/') + 1);
export const seriesOf = (scoped: string): string => scoped.slice(0, scoped.indexOf('/'));
/** The series of any record in one: every such key (see above) starts with its series key, then '/' or '@'. */
export const seriesOfKey = (key: string): string => key.split(/[/@]/, 1)[0]!;

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
