import type { EventsPageRequest, PlannedAnswer } from '../port.js';
import { type Props, toCharacter, toEpisode, toEvent, toRelationship } from './decode.js';
import type { Row } from './driver.js';
import { toNumber, toNumberOrNull } from './values.js';

type CharacterRead = { characterKey: string; relationships: PlannedAnswer['relationships'][number]['query'][] };

const emptyAnswer = (): PlannedAnswer => ({
  characters: [],
  episodes: [],
  relationships: [],
  eventPages: [],
  firstShown: [],
});

/** Notes a character map of a planned query (with its FirstShown facts when it has them), once per key. */
function noteCharacter(answer: PlannedAnswer, seen: Set<string>, p: Props): void {
  const record = toCharacter(p);
  if (seen.has(record.key)) return;
  seen.add(record.key);
  answer.characters.push({ key: record.key, record });
  if ('earliestEvent' in p)
    answer.firstShown.push({
      characterKey: record.key,
      earliestEvent: toNumberOrNull(p.earliestEvent),
      earliestSince: toNumberOrNull(p.earliestSince),
    });
}

/** The answer of characterQuery: no row when there is no such character. */
export function toCharacterAnswer(read: CharacterRead, rows: readonly Row[]): PlannedAnswer {
  const answer = emptyAnswer();
  const [row] = rows;
  if (row === undefined) {
    answer.characters.push({ key: read.characterKey, record: null });
    return answer;
  }
  const seen = new Set<string>();
  noteCharacter(answer, seen, row.character as Props);
  const lists = row.relationships as Props[][];
  read.relationships.forEach((query, i) => {
    const items = lists[i] ?? [];
    answer.relationships.push({ query, items: items.map(toRelationship) });
    for (const item of items)
      for (const end of [item.fromCharacter, item.toCharacter])
        if (end != null) noteCharacter(answer, seen, end as Props);
  });
  return answer;
}

interface EventItem {
  event: unknown[];
  episode?: Props | null;
  agent?: Props | null;
  target?: Props | null;
  participants?: Props[];
}

/** The answer of eventsQuery: per page its counts and up to `first + 1` events, each with what was asked of it. */
export function toEventsAnswer(read: { pages: readonly EventsPageRequest[] }, rows: readonly Row[]): PlannedAnswer {
  const answer = emptyAnswer();
  const [row = {}] = rows;
  const seenCharacters = new Set<string>();
  const seenEpisodes = new Set<string>();
  read.pages.forEach((request, i) => {
    const items = (row[`items${i}`] ?? []) as EventItem[];
    const first = Math.max(request.first, 0);
    answer.eventPages.push({
      request,
      page: {
        items: items.slice(0, first).map((item) => toEvent(item.event)),
        hasNextPage: items.length > first,
        totalCount: toNumber(row[`total${i}`] ?? 0),
        hiddenCount: toNumber(row[`hidden${i}`] ?? 0),
      },
    });
    for (const item of items) {
      if (item.episode != null) {
        const record = toEpisode(item.episode);
        if (!seenEpisodes.has(record.key)) answer.episodes.push({ key: record.key, record });
        seenEpisodes.add(record.key);
      }
      for (const person of [item.agent, item.target, ...(item.participants ?? [])])
        if (person != null) noteCharacter(answer, seenCharacters, person);
    }
  });
  return answer;
}
