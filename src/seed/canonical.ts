import { seriesOfKey, slugOf } from '../domain/keys.js';
import type {
  ExternalIds,
  GraphDocument,
  Judged,
  PersonRecord,
  PlotEventRecord,
  SourceRef,
  TextRevision,
} from '../domain/records.js';
import { SEED_FORMAT } from './format.js';

/**
 * The canonical seed format, as export writes it: every field present (defaults written out), fields in
 * the order of seeds/README.md, records sorted by their slug (episodes by number, events by episode and
 * sequence, castings by character then person, credits by person then role), JSON with two-space indent
 * and a final newline. The same records always give the same bytes.
 */

export const PEOPLE_FILE = '0-people.json';
export const seriesFileName = (slug: string): string => `series-${slug}.json`;

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const by =
  <T>(...keys: ((x: T) => string | number)[]) =>
  (a: T, b: T): number => {
    for (const key of keys) {
      const [x, y] = [key(a), key(b)];
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : byText(String(x), String(y));
      if (order !== 0) return order;
    }
    return 0;
  };

const sourceSeed = (s: SourceRef) => ({ document: s.document, paragraph: s.paragraph });
/** One source as `source` (null for none), as files before several sources were written; more as `sources`. */
const cited = (sources: readonly SourceRef[]) =>
  sources.length > 1 ? { sources: sources.map(sourceSeed) } : { source: sources[0] ? sourceSeed(sources[0]) : null };
/** One text from the start as a string (null for none); revisions by episode as a list. */
const revealed = (revisions: readonly TextRevision[]) =>
  revisions.length === 0
    ? null
    : revisions.length === 1 && revisions[0]!.fromEpisode === 1
      ? revisions[0]!.text
      : revisions.map((r) => ({ fromEpisode: r.fromEpisode, text: r.text }));
const judged = (j: Judged) => ({ certainty: j.certainty, basis: revealed(j.basis) });
const externalIds = (ids: ExternalIds) => ({
  wikidata: ids.wikidata,
  imdb: ids.imdb,
  tmdb: ids.tmdb,
  tvmaze: ids.tvmaze,
});

/** A character named from within its series: its slug, or its whole key when it belongs to another series. */
const characterIn = (seriesKey: string, key: string): string => (seriesOfKey(key) === seriesKey ? slugOf(key) : key);

const personSeed = (p: PersonRecord) => ({
  slug: p.slug,
  name: p.name,
  nativeName: p.nativeName,
  externalIds: externalIds(p.externalIds),
  ...cited(p.sources),
});

/** One series and everything in it, from a document holding (at least) its records. */
function seriesSeed(doc: GraphDocument, seriesKey: string) {
  const s = doc.series.find((x) => x.key === seriesKey);
  if (s === undefined) throw new Error(`no series ${seriesKey} in the document`);
  const own = <T extends { seriesKey: string }>(records: readonly T[]) =>
    records.filter((r) => r.seriesKey === seriesKey);
  const ch = (key: string) => characterIn(seriesKey, key);
  return {
    slug: s.slug,
    title: s.title,
    originalTitle: s.originalTitle,
    country: s.country,
    releaseYear: s.releaseYear,
    platforms: [...s.platforms],
    genres: [...s.genres],
    episodeCount: s.episodeCount,
    starring: [...s.starring],
    externalIds: externalIds(s.externalIds),
    ...cited(s.sources),
    episodes: own(doc.episodes)
      .sort(by((e) => e.number))
      .map((e) => ({ number: e.number, title: e.title, runtimeMinutes: e.runtimeMinutes, ...cited(e.sources) })),
    characters: own(doc.characters)
      .sort(by((c) => c.slug))
      .map((c) => ({
        slug: c.slug,
        name: c.name,
        nativeName: c.nativeName,
        aliases: c.aliases.map((a) => (a.fromEpisode === 1 ? a.name : { name: a.name, fromEpisode: a.fromEpisode })),
        description: revealed(c.description),
        firstEpisode: c.firstEpisode,
        ...judged(c),
        ...cited(c.sources),
      })),
    castings: own(doc.castings)
      .map((c) => ({
        person: c.personKey,
        character: ch(c.characterKey),
        billing: c.billing,
        ...judged(c),
        ...cited(c.sources),
      }))
      .sort(
        by(
          (c) => c.character,
          (c) => c.person,
        ),
      ),
    credits: own(doc.credits)
      .map((c) => ({ person: c.personKey, role: c.role, ...cited(c.sources) }))
      .sort(
        by(
          (c) => c.person,
          (c) => c.role,
        ),
      ),
    relationships: own(doc.relationships)
      .sort(by((r) => r.slug))
      .map((r) => ({
        slug: r.slug,
        kind: r.kind,
        from: ch(r.fromKey),
        to: ch(r.toKey),
        mutual: r.mutual,
        since: r.sinceEpisode,
        until: r.untilEpisode,
        ...(r.revealedIn === null ? {} : { revealedIn: r.revealedIn }),
        note: revealed(r.note),
        ...judged(r),
        ...cited(r.sources),
      })),
  };
}

/** One event as its series' file holds it. */
function eventSeed(seriesKey: string, e: PlotEventRecord) {
  const ch = (key: string) => characterIn(seriesKey, key);
  return {
    slug: e.slug,
    episode: e.episodeNumber,
    sequence: e.sequence,
    kind: e.kind,
    summary: e.summary,
    agent: e.agentKey === null ? null : ch(e.agentKey),
    target: e.targetKey === null ? null : ch(e.targetKey),
    participants: e.participants.map((p) => ({ character: ch(p.characterKey), role: p.role })),
    outcome: e.outcome,
    flashback: e.flashback,
    ...judged(e),
    ...cited(e.sources),
  };
}

/** Canonical events order (the port's: episode, then sequence). */
const byPosition = by<PlotEventRecord>(
  (e) => e.episodeNumber,
  (e) => e.sequence,
  (e) => e.slug,
);

const fileText = (people: unknown[], series: unknown[]): string =>
  `${JSON.stringify({ format: SEED_FORMAT, people, series }, null, 2)}\n`;

/** Indents JSON text by `by`: JSON escapes every newline inside a string, so each \n starts a line (U+2028 does not). */
const indented = (text: string, by: string): string => by + text.split('\n').join(`\n${by}`);

/**
 * A series file in parts, so that its events are written as they are read, a page at a time: `head`, then
 * `event(e, first)` for each event in byPosition order, then `tail(any)`. Joined, they are the canonical text.
 */
export interface SeriesFileParts {
  head: string;
  event(e: PlotEventRecord, first: boolean): string;
  tail(any: boolean): string;
}

const EVENTS_FOLLOW = 'events follow';
const EVENTS_MARKER = `"events": ${JSON.stringify(EVENTS_FOLLOW)}`;

/** The parts of the file of one series, with these people in it (none in a directory's series file); `doc.events` is not read. */
export function seriesFileParts(
  doc: GraphDocument,
  seriesKey: string,
  people: readonly PersonRecord[] = [],
): SeriesFileParts {
  const seed = { ...seriesSeed(doc, seriesKey), events: EVENTS_FOLLOW };
  const text = fileText(sortPeople([...people]).map(personSeed), [seed]);
  const at = text.lastIndexOf(EVENTS_MARKER);
  const rest = text.slice(at + EVENTS_MARKER.length);
  return {
    head: `${text.slice(0, at)}"events": [`,
    event: (e, first) =>
      `${first ? '' : ','}\n${indented(JSON.stringify(eventSeed(seriesKey, e), null, 2), '        ')}`,
    tail: (any) => `${any ? '\n      ' : ''}]${rest}`,
  };
}

/** The series file: the series alone, its people in the people file. */
function seriesFileText(doc: GraphDocument, seriesKey: string): string {
  const parts = seriesFileParts(doc, seriesKey);
  const events = doc.events.filter((e) => e.seriesKey === seriesKey).sort(byPosition);
  return parts.head + events.map((e, i) => parts.event(e, i === 0)).join('') + parts.tail(events.length > 0);
}

/** The people file's text, written in pieces so that its people need not all be in memory at once. */
export const peopleFileParts = {
  head: `{\n  "format": ${JSON.stringify(SEED_FORMAT)},\n  "people": [`,
  person: (p: PersonRecord, first: boolean): string =>
    `${first ? '' : ','}\n${indented(JSON.stringify(personSeed(p), null, 2), '    ')}`,
  tail: (any: boolean): string => `${any ? '\n  ' : ''}],\n  "series": []\n}\n`,
};

const sortPeople = (people: PersonRecord[]): PersonRecord[] => people.sort(by((p) => p.key));

/**
 * "Normal formatting" of a seed directory: what export would write for the same records, by file name.
 * Parses and checks the directory whole (for tests and small directories), then writes the people in
 * PEOPLE_FILE and each series in its own file, canonically.
 */
export function canonicalFiles(doc: GraphDocument): Map<string, string> {
  const files = new Map<string, string>();
  const people = sortPeople([...doc.people]);
  files.set(
    PEOPLE_FILE,
    peopleFileParts.head +
      people.map((p, i) => peopleFileParts.person(p, i === 0)).join('') +
      peopleFileParts.tail(people.length > 0),
  );
  for (const s of [...doc.series].sort(by((x) => x.key))) files.set(seriesFileName(s.slug), seriesFileText(doc, s.key));
  return files;
}
