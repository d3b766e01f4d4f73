import type { Random } from './random.js';

const SYLLABLES = [
  'ha',
  'jin',
  'soo',
  'min',
  'ji',
  'woo',
  'yeon',
  'hye',
  'seo',
  'joon',
  'na',
  'ra',
  'do',
  'eun',
  'kyung',
  'tae',
  'bo',
  'mi',
  'sung',
  'hoon',
];
const FAMILY = [
  'kim',
  'lee',
  'park',
  'choi',
  'jung',
  'kang',
  'cho',
  'yoon',
  'jang',
  'lim',
  'han',
  'oh',
  'seo',
  'shin',
  'kwon',
];
const TITLE_WORDS = [
  'Moon',
  'Summer',
  'Letter',
  'Garden',
  'Signal',
  'River',
  'Secret',
  'Melody',
  'Winter',
  'Promise',
  'Station',
  'Night',
  'Harbor',
  'Echo',
];

const capital = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** A given name of two syllables, e.g. "Ji-woo". */
export function givenName(random: Random): string {
  return `${capital(random.pick(SYLLABLES))}-${random.pick(SYLLABLES)}`;
}

export function familyName(random: Random): string {
  return capital(random.pick(FAMILY));
}

/** A series title such as "Secret of the Moon #12"; the number keeps titles distinct. */
export function seriesTitle(random: Random, index: number): string {
  return `${random.pick(TITLE_WORDS)} ${random.pick(['of the', 'and the', 'in the'])} ${random.pick(TITLE_WORDS)} #${index}`;
}

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** A zero-padded number, e.g. pad(7, 4) === "0007". */
export function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
