import type { Context } from '../context.js';
import { shortestPaths } from '../domain/path-search.js';
import { type CharacterPath, SearchTooLarge } from '../domain/paths.js';
import type { Searchable } from '../domain/search/keys.js';
import { BadUserInputError, ConnectionsBusyError, ConnectionTooLargeError } from '../errors.js';
import { Places } from '../queueing/places.js';
import type { Loaders } from './loaders.js';
import { sliceOver } from './slices.js';

interface GlobalId {
  typename: string;
  id: string;
}

interface PathArgs {
  from: GlobalId;
  to: GlobalId;
  maxHops: number;
  /** Ends the request's wait for a place to search in once it is answered. */
  signal: AbortSignal | undefined;
}

/**
 * Connection searches run two at a time in this process and the rest wait their turn, fair between clients (see
 * Places): each reads events weighing up to SEARCH_MAX_WEIGHT, and sixteen at once over events of fifty characters each
 * ran the heap out (red team 58). A search holds a place for one hop at a time and waits its turn again for the
 * next: held for a whole search, one client's long searches kept another's short one waiting 10 s (red team 59).
 * The line is as long as admitted operations make it (each of their aliases may wait; a line of 64 refused the
 * reveal walk's requests), and a search whose request is answered leaves it.
 */
export const searchPlacesOf = (): Places => new Places(2, Number.POSITIVE_INFINITY, () => new ConnectionsBusyError());

const searchPlaces = searchPlacesOf();

function endKey(arg: string, { typename, id }: GlobalId): string {
  if (typename !== 'Character' && typename !== 'Person') {
    throw new BadUserInputError(`${arg} must be the id of a Character or a Person, not of a ${typename}.`);
  }
  return id;
}

/** `places`: the process's own unless given (tests give theirs, so that no other file's searches hold one). */
export async function pathsBetween(ctx: Context, args: PathArgs, places = searchPlaces): Promise<CharacterPath[]> {
  const from = endKey('from', args.from);
  const to = endKey('to', args.to);
  // Unknown, or not met yet by the viewer: no chain can reach it, and looking for one would walk every hop.
  const ends = await Promise.all([known(ctx.loaders, from), known(ctx.loaders, to)]);
  if (ends.includes(false)) return [];
  let release = () => {};
  const hop = async (keys: readonly string[]) => {
    release();
    release = () => {};
    // The request's operation place goes back while it waits (see stepAside): one client's waiting searches held
    // every place, and other clients' cheap queries waited 5 to 10 s (red team 60).
    release = await ctx.loaders.aside(places.take({ signal: args.signal, client: ctx.client }));
    return ctx.loaders.neighbourhoods(keys);
  };
  try {
    return await shortestPaths(from, to, args.maxHops, hop, () => sliceOver(performance.now()));
  } catch (error) {
    if (error instanceof SearchTooLarge) throw new ConnectionTooLargeError(error.limit);
    throw error;
  } finally {
    release();
  }
}

const known = async (loaders: Loaders, key: string): Promise<boolean> => (await endOf(loaders, key)) !== null;

/** A chain member by key, with its type. */
export async function loadEnd(loaders: Loaders, key: string): Promise<PathEnd> {
  const end = await endOf(loaders, key);
  if (end === null) throw new Error(`path reached a missing node ${key}`);
  return end;
}

/** The character or person with this key as the viewer may see it, else null: character keys hold a "/", person keys never do. */
const endOf = async (loaders: Loaders, key: string): Promise<PathEnd | null> =>
  key.includes('/')
    ? nonNull('character', await loaders.character.load(key))
    : nonNull('person', await loaders.person.load(key));

type PathEnd = Extract<Searchable, { type: 'character' | 'person' }>;

const nonNull = <E extends PathEnd>(type: E['type'], record: E['record'] | null): PathEnd | null =>
  record === null ? null : ({ type, record } as PathEnd);
