import { readdirSync, readFileSync } from 'node:fs';
import type { Random } from '../../../src/generate/random.js';
import { hostileString, randomText } from './hostile.js';

const EXAMPLES_DIR = new URL('../../../examples/', import.meta.url);

/** The documented example operations: valid starting points to cut and mangle. */
const EXAMPLE_DOCUMENTS: readonly string[] = readdirSync(EXAMPLES_DIR)
  .filter((file) => file.endsWith('.graphql'))
  .map((file) => readFileSync(new URL(file, EXAMPLES_DIR), 'utf8'));

const TOKENS = [
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ':',
  '$',
  '@',
  '!',
  '...',
  '=',
  '|',
  'query',
  'mutation',
  'subscription',
  'fragment',
  'on',
  'series',
  'events',
  'node',
  'id',
  '__typename',
  '__schema',
  '"x"',
  '"""',
  '1',
  '-1.5e10',
  'true',
  'null',
];

export function randomTokens(random: Random): string {
  return Array.from({ length: random.int(1, 200) }, () => random.pick(TOKENS)).join(random.pick([' ', '', '\n']));
}

export function randomBytesDocument(random: Random): string {
  return randomText(random, random.int(1, 400));
}

export function truncatedExample(random: Random): string {
  const document = random.pick(EXAMPLE_DOCUMENTS);
  return document.slice(0, random.int(0, document.length - 1));
}

export function deepSelection(random: Random): string {
  const depth = random.int(8, 400);
  const open = Array.from({ length: depth }, (_, i) => (i % 2 === 0 ? 'characters {' : 'series {')).join(' ');
  return `{ series(slug: "soundtrack-1") { ${open} __typename ${'}'.repeat(depth)} }`;
}

export function deepInputList(random: Random): string {
  const depth = random.int(10, 3000);
  return `{ events(filter: { kinds: ${'['.repeat(depth)}CONFESSION${']'.repeat(depth)} }) { totalCount } }`;
}

export function aliasBomb(random: Random): string {
  const count = random.int(16, 3000);
  const field = random.pick([
    '__typename',
    'series(slug: "soundtrack-1") { title }',
    'search(query: "a") { __typename }',
  ]);
  return `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
}

export function fragmentCycle(random: Random): string {
  const size = random.int(1, 6);
  const fragments = Array.from(
    { length: size },
    (_, i) => `fragment F${i} on Query { __typename ...F${(i + 1) % size} }`,
  );
  return `query Cycle { ...F0 } ${fragments.join(' ')}`;
}

export function directiveSpam(random: Random): string {
  const directives = [
    '@include(if: true)',
    '@skip(if: false)',
    '@deprecated',
    '@nonexistent',
    '@watchedThrough(series: "x", episode: -1)',
    '@include(if: "yes")',
    '@skip',
  ];
  const spam = Array.from({ length: random.int(2, 1500) }, () => random.pick(directives)).join(' ');
  return `query Spam ${random.chance(0.3) ? spam : ''} { series(slug: "soundtrack-1") ${spam} { title ${spam} } }`;
}

export function hostileLiteral(random: Random): string {
  const literal = JSON.stringify(hostileString(random));
  return random.pick([
    `{ series(slug: ${literal}) { title } }`,
    `{ search(query: ${literal}) { __typename } }`,
    `{ node(id: ${literal}) { id } }`,
    `{ events(after: ${literal}, filter: { series: ${literal}, agent: ${literal} }) { totalCount } }`,
    `{ character(series: ${literal}, slug: ${literal}) { name } }`,
    `{ ${hostileString(random)} }`,
  ]);
}
