import {
  type EventsPageRequest,
  emptyPlannedAnswer,
  type PlannedAnswer,
  type PlannedRead,
  type SeriesSelection,
} from '../port.js';
import {
  type Props,
  toCasting,
  toCharacter,
  toCredit,
  toEpisode,
  toEvent,
  toPerson,
  toRelationship,
  toSeries,
} from './decode.js';
import type { Row } from './driver.js';
import { toNumber, toNumberOrNull } from './values.js';

type CharacterRead = { characterKey: string; relationships: PlannedAnswer['relationships'][number]['query'][] };

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
function toCharacterAnswer(read: CharacterRead, rows: readonly Row[]): PlannedAnswer {
  const answer = emptyPlannedAnswer();
  const [row] = rows;
  if (row === undefined) {
    answer.characters.push({ key: read.characterKey, record: null });
    return answer;
  }
  const note = noter(answer);
  const character = (p: Props) => note.entry([p, (p.castings ?? null) as Pair[] | null]);
  character(row.character as Props);
  const lists = row.relationships as Props[][];
  read.relationships.forEach((query, i) => {
    answer.relationships.push({ query, items: (lists[i] ?? []).map(toRelationship) });
  });
  for (const end of (row.ends ?? []) as Props[]) character(end);
  return answer;
}

interface EventItem {
  event: unknown[];
  episode?: Props | null;
}

/** The answer of eventsQuery: per page its counts and up to `first + 1` events, each with what was asked of it. */
function toEventsAnswer(read: { pages: readonly EventsPageRequest[] }, rows: readonly Row[]): PlannedAnswer {
  const answer = emptyPlannedAnswer();
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
    }
  });
  for (const person of (row.characters ?? []) as Props[]) noteCharacter(answer, seenCharacters, person);
  for (const [characterKey, earliestEvent, earliestSince] of (row.facts ?? []) as unknown[][])
    answer.firstShown.push({
      characterKey: String(characterKey),
      earliestEvent: toNumberOrNull(earliestEvent),
      earliestSince: toNumberOrNull(earliestSince),
    });
  return answer;
}

type SeriesRead = Extract<PlannedRead, { kind: 'series' }>;
type AllSeriesRead = Extract<PlannedRead, { kind: 'allSeries' }>;
type PersonRead = Extract<PlannedRead, { kind: 'person' }>;
type Pair = [Props, Props];
type CharacterEntry = [Props, Pair[] | null];

/** Notes people, and characters with who plays them, once per key, as the answers of seriesQuery and personQuery hold them. */
function noter(answer: PlannedAnswer) {
  const seenCharacters = new Set<string>();
  const seenPeople = new Set<string>();
  const person = (p: Props) => {
    const record = toPerson(p);
    if (!seenPeople.has(record.key)) answer.people.push({ key: record.key, record });
    seenPeople.add(record.key);
  };
  const entry = ([character, castings]: CharacterEntry) => {
    const key = String(character.key);
    if (seenCharacters.has(key)) return;
    noteCharacter(answer, seenCharacters, character);
    if (castings === null) return;
    answer.characterCastings.push({ characterKey: key, items: castings.map(([casting]) => toCasting(casting)) });
    for (const [, p] of castings) person(p);
  };
  return { person, entry };
}

/** What seriesColumns read of one series, into `answer`. */
function noteSeries(answer: PlannedAnswer, note: ReturnType<typeof noter>, read: SeriesSelection, row: Row): void {
  const seriesKey = String((row.series as Props).key);
  if (read.episodes) {
    const episodes = (row.episodes ?? []) as [Props, unknown[][][]][];
    const items = episodes.map(([episode]) => toEpisode(episode));
    answer.episodeLists.push({ seriesKey, items });
    episodes.forEach(([, lists], i) => {
      read.episodeEvents.forEach((kinds, j) => {
        const events = (lists[j] ?? []).map((event) => toEvent(event));
        answer.episodeEvents.push({ query: { episodeKey: items[i]!.key, kinds }, items: events });
      });
    });
  }
  for (const entry of (row.characters ?? []) as CharacterEntry[]) note.entry(entry);
  if (read.cast) {
    const cast = (row.cast ?? []) as [Pair, CharacterEntry][];
    answer.seriesCastings.push({ seriesKey, items: cast.map(([[casting]]) => toCasting(casting)) });
    for (const [[, person], entry] of cast) {
      note.person(person);
      note.entry(entry);
    }
  }
  if (read.crew) {
    const crew = (row.crew ?? []) as Pair[];
    answer.seriesCredits.push({ seriesKey, items: crew.map(([credit]) => toCredit(credit)) });
    for (const [, person] of crew) note.person(person);
  }
}

/** The answer of seriesQuery: no row when there is no such series. */
function toSeriesAnswer(read: SeriesRead, rows: readonly Row[]): PlannedAnswer {
  const answer = emptyPlannedAnswer();
  const [row] = rows;
  if (row === undefined) {
    answer.series.push({ key: read.seriesKey, record: null });
    return answer;
  }
  answer.series.push({ key: read.seriesKey, record: toSeries(row.series as Props) });
  noteSeries(answer, noter(answer), read, row);
  return answer;
}

/** The answer of allSeriesQuery: a row per series, up to `first + 1`, each as seriesQuery reads one (one row with no series for none). */
function toAllSeriesAnswer(read: AllSeriesRead, rows: readonly Row[]): PlannedAnswer {
  const answer = emptyPlannedAnswer();
  const first = Math.max(read.page.first, 0);
  const found = rows.filter((row) => row.series != null);
  const items = found.slice(0, first);
  answer.seriesPages.push({
    request: read.page,
    page: {
      items: items.map((row) => toSeries(row.series as Props)),
      hasNextPage: found.length > first,
      totalCount: toNumber(rows[0]?.total ?? 0),
    },
  });
  const note = noter(answer);
  for (const row of items) noteSeries(answer, note, read, row);
  return answer;
}

/** The answer of personQuery: no row when there is no such person. */
function toPersonAnswer(read: PersonRead, rows: readonly Row[]): PlannedAnswer {
  const answer = emptyPlannedAnswer();
  const [row] = rows;
  if (row === undefined) {
    answer.people.push({ key: read.personKey, record: null });
    return answer;
  }
  const note = noter(answer);
  note.person(row.person as Props);
  const seenSeries = new Set<string>();
  const noteSeries = (s: Props | null) => {
    if (s === null) return;
    const record = toSeries(s);
    if (!seenSeries.has(record.key)) answer.series.push({ key: record.key, record });
    seenSeries.add(record.key);
  };
  if (read.castings) {
    const castings = (row.castings ?? []) as [Props, CharacterEntry, Props | null][];
    answer.personCastings.push({ personKey: read.personKey, items: castings.map(([casting]) => toCasting(casting)) });
    for (const [, entry, series] of castings) {
      note.entry(entry);
      noteSeries(series);
    }
  }
  if (read.credits) {
    const credits = (row.credits ?? []) as [Props, Props | null][];
    answer.personCredits.push({ personKey: read.personKey, items: credits.map(([credit]) => toCredit(credit)) });
    for (const [, series] of credits) noteSeries(series);
  }
  return answer;
}

/** The answer of plannedQuery. */
export function toPlannedAnswer(read: PlannedRead, rows: readonly Row[]): PlannedAnswer {
  switch (read.kind) {
    case 'character':
      return toCharacterAnswer(read, rows);
    case 'events':
      return toEventsAnswer(read, rows);
    case 'series':
      return toSeriesAnswer(read, rows);
    case 'allSeries':
      return toAllSeriesAnswer(read, rows);
    case 'person':
      return toPersonAnswer(read, rows);
  }
}
