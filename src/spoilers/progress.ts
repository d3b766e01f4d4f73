import type { DirectiveNode, OperationDefinitionNode } from 'graphql';
import {
  DirectiveLocation,
  GraphQLDirective,
  GraphQLInt,
  GraphQLNonNull,
  GraphQLString,
  getArgumentValues,
} from 'graphql';
import { SLUG_PATTERN } from '../domain/keys.js';
import type { Progress } from '../domain/spoilers.js';
import { BadUserInputError } from '../errors.js';

export const WATCHED_THROUGH_HEADER = 'x-watched-through';

export const watchedThroughDirective = new GraphQLDirective({
  name: 'watchedThrough',
  description:
    'Hides spoilers: nothing that happens after this episode of this series is returned, counted or shown as ' +
    'ended. Repeat it for several series; the X-Watched-Through header ("soundtrack-1@3, other-show@5") does the same. ' +
    'On a subscription it hides changes as the header does, for clients that cannot send headers (a browser EventSource).',
  locations: [DirectiveLocation.QUERY, DirectiveLocation.SUBSCRIPTION],
  isRepeatable: true,
  args: {
    series: { type: new GraphQLNonNull(GraphQLString), description: 'The series slug.' },
    episode: { type: new GraphQLNonNull(GraphQLInt), description: 'The last episode watched (1 or more).' },
  },
});

/** GraphQL's Int bound, so the header and the directive accept the same episodes. */
export const MAX_EPISODE = 2_147_483_647;

type Entry = readonly [series: string, episode: number];

function checked([series, episode]: Entry, source: string): Entry {
  if (!SLUG_PATTERN.test(series))
    throw new BadUserInputError(`${source}: "${series}" is not a series slug.`, { series });
  if (!Number.isSafeInteger(episode) || episode < 1 || episode > MAX_EPISODE) {
    throw new BadUserInputError(`${source}: the episode watched through must be from 1 to ${MAX_EPISODE}.`, {
      series,
      episode: Number.isSafeInteger(episode) ? episode : String(episode),
    });
  }
  return [series, episode];
}

const ENTRY = /^([^@\s]+)@(\d+)$/;

const SHOWN = 60;

/**
 * Fetch's Headers hold each byte as one character, so UTF-8 is decoded back; bytes that are not UTF-8 are
 * refused rather than echoed as the Latin-1 characters they would read as.
 */
function decoded(raw: string): string {
  if (/[\u0100-\uffff]/.test(raw) || !/[\u0080-\u00ff]/.test(raw)) return raw;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(raw, (c) => c.charCodeAt(0)));
  } catch {
    throw new BadUserInputError('X-Watched-Through: the header is not UTF-8 text; write series@episode in ASCII.');
  }
}

/** The header value as the client wrote it, cut short for echoing; JSON-style quoting escapes control characters. */
function shown(raw: string): string {
  const chars = [...raw];
  return JSON.stringify(chars.length > SHOWN ? `${chars.slice(0, SHOWN).join('')}…` : chars.join(''));
}

/** What is wrong with an entry that is not series@episode, when it is one of the usual slips. */
function headerHint(text: string): string {
  if (!text.includes('@')) return /[\uff20\ufe6b]/.test(text) ? ': the separator is the ASCII @' : '';
  return /[\u0080-\uffff]/.test(text.slice(text.lastIndexOf('@') + 1))
    ? ': the episode is written in ASCII digits 0-9'
    : '';
}

function headerEntry(item: string): Entry {
  const match = ENTRY.exec(item.trim());
  if (match === null) {
    const value = shown(item.trim());
    throw new BadUserInputError(`X-Watched-Through: ${value} is not series@episode${headerHint(item.trim())}.`);
  }
  const digits = match[2]!;
  const episode = Number(digits);
  if (Number.isSafeInteger(episode)) return checked([match[1]!, episode], 'X-Watched-Through');
  checked([match[1]!, 1], 'X-Watched-Through');
  throw new BadUserInputError(`X-Watched-Through: the episode watched through must be from 1 to ${MAX_EPISODE}.`, {
    series: match[1],
    episode: digits.length > SHOWN ? `${digits.slice(0, SHOWN)}…` : digits,
  });
}

/** Reads `series@episode, series@episode`; a missing header means no progress. */
export function progressFromHeader(value: string | null): Entry[] {
  return value === null ? [] : decoded(value).split(',').map(headerEntry);
}

/** Reads every @watchedThrough on the operation; its variables are asked for only when there is one. */
export function progressFromOperation(
  operation: OperationDefinitionNode,
  variablesOf: () => Record<string, unknown>,
): Entry[] {
  const nodes = (operation.directives ?? []).filter((node) => node.name.value === watchedThroughDirective.name);
  if (nodes.length === 0) return [];
  const variables = variablesOf();
  return nodes.map((node) => checked(directiveArgs(node, variables), '@watchedThrough'));
}

function directiveArgs(node: DirectiveNode, variables: Record<string, unknown>): Entry {
  try {
    const args = getArgumentValues(watchedThroughDirective, node, variables);
    return [String(args.series), Number(args.episode)];
  } catch (error) {
    throw new BadUserInputError(`@watchedThrough: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** When a series is given more than once, the earliest episode wins: it hides the most. */
export function toProgress(entries: readonly Entry[]): Progress {
  const progress = new Map<string, number>();
  for (const [series, episode] of entries) progress.set(series, Math.min(episode, progress.get(series) ?? Infinity));
  return progress;
}

/**
 * Query parameters a link picks up on its way, which say nothing about the story: campaign tags (`utm_…`),
 * click ids, cache busters and a language. Every other name but `watched-through` is refused, so that no typo or
 * guess at it (`?episode=3`, `?wacthed-through=3`, a look-alike letter) quietly shows the whole story.
 */
const PASSING_PARAMETER =
  /^(?:utm_[a-z0-9_]{1,40}|fbclid|gclid|dclid|gbraid|wbraid|msclkid|twclid|igshid|yclid|mc_cid|mc_eid|_ga|_gl|_hsenc|_hsmi|ref|ref_src|v|ver|version|_|t|ts|cb|cachebust|cachebuster|nocache|lang|hl|locale)$/i;

/**
 * The query's parameters, split at `;` and at a second `?` too: `?utm_source=x?watched-through=3` (progress
 * added to a link that had a query already) and `?ref=a;watched-through=3` give watched-through, not a tracking
 * value that hides it.
 */
export function queryParameters(url: URL): URLSearchParams {
  return new URLSearchParams(url.search.slice(1).replace(/[;?]/g, '&'));
}

/**
 * Whether a parameter is one a link picked up on its way, ignored: a tracking name, with a value that does not
 * name watched-through in any spelling (encoded separators included), which would be refused rather than ignored.
 */
export const isPassingParameter = (name: string, value: string): boolean =>
  PASSING_PARAMETER.test(name) &&
  !value
    .toLowerCase()
    .replace(/[^a-z]/g, '')
    .includes('watchedthrough');
