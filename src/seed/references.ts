import type { Collection } from '../domain/collections.js';
import { type DocumentIssue, documentIssues, duplicateIssues } from '../domain/document-rules.js';
import { seriesOfKey, slugOf } from '../domain/keys.js';
import type { GraphDocument } from '../domain/records.js';
import { sequenceIssues } from '../domain/rules.js';
import type { SeedIssue } from '../errors.js';
import type { SeedFile, SeedSeries } from './format.js';
import { seedLocator } from './locate.js';

/** A record as a seed issue names it (`series "soundtrack-1" event "first-kiss"`) and where it sits in the document. */
interface Where {
  record: string;
  path: string[];
}
type Report = (where: Where, field: string, message: string) => void;
const REFERENCE = 'reference';

function checkEpisode(series: SeedSeries, number: number | null, where: Where, field: string, report: Report) {
  if (number !== null && (number > series.episodeCount || !series.episodes.some((e) => e.number === number))) {
    report(where, field, `episode ${number} is not among the series' episodes`);
  }
}

/** A revision revealed after the last episode would never be seen (a series of unknown length has episode 1). */
function revealedBeyond(
  series: SeedSeries,
  text: string | readonly { fromEpisode: number }[] | null,
  where: Where,
  field: string,
  report: Report,
) {
  if (text === null || typeof text === 'string') return;
  for (const [i, r] of text.entries())
    if (r.fromEpisode > Math.max(series.episodeCount, 1))
      report(where, `${field}.${i}.fromEpisode`, `exceeds episodeCount ${series.episodeCount}`);
}

function checkSeries(series: SeedSeries, index: number, people: Set<string>, report: Report): void {
  const root = ['series', String(index)];
  const at = (kind: string, key: string | number, list: string, i: number): Where => ({
    record: `series "${series.slug}" ${kind} "${key}"`,
    path: [...root, list, String(i)],
  });
  const characters = new Set(series.characters.map((c) => c.slug));
  const needCharacter = (slug: string | null, where: Where, field: string) => {
    if (slug !== null && !characters.has(slug)) report(where, field, `unknown character "${slug}"`);
  };
  const needPerson = (slug: string, where: Where, field: string) => {
    if (!people.has(slug)) report(where, field, `unknown person "${slug}"`);
  };

  for (const [i, e] of series.episodes.entries()) {
    if (e.number > series.episodeCount)
      report(at('episode', e.number, 'episodes', i), 'number', `exceeds episodeCount ${series.episodeCount}`);
  }
  for (const [i, c] of series.characters.entries()) {
    const where = at('character', c.slug, 'characters', i);
    if (c.firstEpisode !== null && c.firstEpisode > series.episodeCount)
      report(where, 'firstEpisode', `exceeds episodeCount ${series.episodeCount}`);
    revealedBeyond(series, c.description, where, 'description', report);
    revealedBeyond(series, c.basis, where, 'basis', report);
    revealedBeyond(series, c.aliases, where, 'aliases', report);
  }
  for (const [i, slug] of series.starring.entries())
    needPerson(slug, { record: `series "${series.slug}"`, path: root }, `starring.${i}`);
  for (const [i, c] of series.castings.entries()) {
    const where = at('casting', `${c.person}->${c.character}`, 'castings', i);
    revealedBeyond(series, c.basis, where, 'basis', report);
    needPerson(c.person, where, 'person');
    needCharacter(c.character, where, 'character');
  }
  for (const [i, c] of series.credits.entries())
    needPerson(c.person, at('credit', `${c.person}#${c.role}`, 'credits', i), 'person');
  for (const [i, r] of series.relationships.entries()) {
    const where = at('relationship', r.slug, 'relationships', i);
    revealedBeyond(series, r.note, where, 'note', report);
    revealedBeyond(series, r.basis, where, 'basis', report);
    needCharacter(r.from, where, 'from');
    needCharacter(r.to, where, 'to');
    checkEpisode(series, r.since, where, 'since', report);
    checkEpisode(series, r.until, where, 'until', report);
    if (r.revealedIn !== null && r.revealedIn > series.episodeCount)
      report(where, 'revealedIn', `exceeds episodeCount ${series.episodeCount}`);
  }
  for (const [i, e] of series.events.entries()) {
    const where = at('event', e.slug, 'events', i);
    revealedBeyond(series, e.basis, where, 'basis', report);
    checkEpisode(series, e.episode, where, 'episode', report);
    needCharacter(e.agent, where, 'agent');
    needCharacter(e.target, where, 'target');
    for (const [j, p] of e.participants.entries()) needCharacter(p.character, where, `participants.${j}.character`);
  }
}

/** How a seed issue names a record: `series "soundtrack-1" event "first-kiss"`. */
function describeRecord(collection: Collection, key: string): string {
  const series = seriesOfKey(key);
  switch (collection) {
    case 'people':
      return `person "${key}"`;
    case 'series':
      return `series "${key}"`;
    case 'episodes':
      return `series "${series}" episode "${slugOf(key)}"`;
    case 'characters':
      return `series "${series}" character "${slugOf(key)}"`;
    case 'castings': {
      const [character, person] = key.split('@') as [string, string];
      return `series "${series}" casting "${person}->${slugOf(character)}"`;
    }
    case 'credits':
      return `series "${series}" credit "${key.slice(key.indexOf('@') + 1)}"`;
    case 'relationships':
      return `series "${series}" relationship "${slugOf(key)}"`;
    case 'events':
      return `series "${series}" event "${slugOf(key)}"`;
  }
}

/** `[0]` style indexes, as seed issues show fields to people. */
const shown = (field: string) => field.replace(/\.(\d+)(?=\.|$)/g, '[$1]');

/** The domain's record rules (domain/rules.ts) as the seed loader reports them. */
function ruleIssues(file: string, seed: SeedFile, document: GraphDocument, wholeEpisodes: boolean): SeedIssue[] {
  const found = [
    ...documentIssues(document),
    ...(wholeEpisodes ? sequenceIssues(document.events).map((i) => ({ ...i, collection: 'events' as const })) : []),
  ];
  if (found.length === 0) return [];
  const locate = seedLocator(seed);
  return found.map((i) => seedIssueOf(file, i, (fields) => locate.pathOf(i.collection, i.key, fields) ?? []));
}

/** A domain issue as the seed loader reports it; `pathOf` places the issue's fields in the file. */
function seedIssueOf(file: string, issue: DocumentIssue, pathOf: (fields: string[]) => string[]): SeedIssue {
  return {
    file,
    record: describeRecord(issue.collection, issue.key),
    field: shown(issue.field),
    message: issue.message,
    rule: issue.rule,
    path: pathOf(issue.field === '(record)' ? [] : issue.field.split('.')),
  };
}

/** An event of a file whose events are validated a part at a time, as the checks that span them all need it. */
export interface PlacedEvent {
  key: string;
  seriesKey: string;
  episodeNumber: number;
  sequence: number;
  /** Its series' index in the file, and its own in the series' events. */
  series: number;
  index: number;
}

/**
 * The checks of a file's events that span all of them, for a file validated a part at a time: an event slug
 * given twice, and each episode's sequences running 1..N (the file holds the whole of each episode).
 */
export function eventPlacementIssues(file: string, events: readonly PlacedEvent[]): SeedIssue[] {
  const found: DocumentIssue[] = [
    ...duplicateIssues('events', events),
    ...sequenceIssues(events).map((i) => ({ ...i, collection: 'events' as const })),
  ];
  const named = new Set(found.map((i) => i.key));
  const paths = new Map<string, string[]>();
  for (const e of events)
    if (named.has(e.key)) paths.set(e.key, ['series', String(e.series), 'events', String(e.index)]);
  return found.map((i) => seedIssueOf(file, i, (fields) => [...(paths.get(i.key) ?? []), ...fields]));
}

/**
 * Checks what a schema cannot: that every reference in the file points at something that exists, that no
 * record is given twice, and each relationship's and event's own rules; `document` is the file's records.
 * A seed file holds the whole of each episode it gives events for, so those run 1..N (`wholeEpisodes`);
 * an importBatch may add to stored episodes, and the write checks them with what is stored.
 */
export function findReferenceIssues(
  file: string,
  seed: SeedFile,
  document: GraphDocument,
  knownPeople: ReadonlySet<string>,
  wholeEpisodes = true,
): SeedIssue[] {
  const issues: SeedIssue[] = [];
  const report: Report = ({ record, path }, field, message) =>
    issues.push({ file, record, field: shown(field), message, rule: REFERENCE, path: [...path, ...field.split('.')] });
  const people = new Set([...knownPeople, ...seed.people.map((p) => p.slug)]);
  for (const [i, series] of seed.series.entries()) checkSeries(series, i, people, report);
  return [...issues, ...ruleIssues(file, seed, document, wholeEpisodes)];
}
