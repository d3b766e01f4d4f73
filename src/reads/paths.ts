import type { CharacterPath } from '../domain/paths.js';
import { shortestPaths } from '../domain/path-search.js';
import { BadUserInputError } from '../errors.js';
import type { Context } from '../context.js';
import type { Loaders } from './loaders.js';

interface GlobalId {
  typename: string;
  id: string;
}

interface PathArgs {
  from: GlobalId;
  to: GlobalId;
  maxHops: number;
}

function endKey(arg: string, { typename, id }: GlobalId): string {
  if (typename !== 'Character' && typename !== 'Person') {
    throw new BadUserInputError(`${arg} must be the id of a Character or a Person, not of a ${typename}.`);
  }
  return id;
}

export function pathsBetween(ctx: Context, args: PathArgs): Promise<CharacterPath[]> {
  const from = endKey('from', args.from);
  const to = endKey('to', args.to);
  return shortestPaths(from, to, args.maxHops, (keys) => ctx.loaders.neighbourhood.loadMany(keys).then(settled));
}

function settled<T>(results: (T | Error)[]): T[] {
  for (const result of results) if (result instanceof Error) throw result;
  return results as T[];
}

/** A chain member by key: character keys hold a "/", person keys never do. */
export async function loadEnd(loaders: Loaders, key: string) {
  const record = key.includes('/') ? await loaders.character.load(key) : await loaders.person.load(key);
  if (record === null) throw new Error(`path reached a missing node ${key}`);
  return record;
}
