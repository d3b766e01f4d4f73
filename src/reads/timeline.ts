import { episodeKey, scopedKey } from '../domain/keys.js';
import { CAUSE_KINDS, causeAmong, type RelationshipChange, relationshipTimeline } from '../domain/timeline.js';
import type { Loaders } from './loaders.js';

interface TimelineArgs {
  series: string;
  a: string;
  b: string;
}

export async function timelineOf(loaders: Loaders, { series, a, b }: TimelineArgs): Promise<RelationshipChange[]> {
  const pair = [scopedKey(series, a), scopedKey(series, b)] as const;
  return relationshipTimeline(series, pair, await loaders.relationshipHistory.load(pair[0]));
}

export async function causeOf(loaders: Loaders, change: RelationshipChange) {
  if (change.episode === null) return null;
  const episode = episodeKey(change.seriesKey, change.episode);
  return causeAmong(await loaders.eventsOfEpisode.load({ episodeKey: episode, kinds: [...CAUSE_KINDS] }), change.pair);
}
