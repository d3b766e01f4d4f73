import type { Collection } from '../domain/collections.js';
import { documentIssues } from '../domain/document-rules.js';
import { seriesOfKey, slugOf } from '../domain/keys.js';
import type { GraphDocument } from '../domain/records.js';
import { sequenceIssues } from '../domain/rules.js';
import type { SeedIssue } from '../errors.js';
import type { SeedFile, SeedSeries } from './format.js';

type Report = (record: string, field: string, message: string) => void;
const REFERENCE = 'reference';

function checkEpisode(series: SeedSeries, number: number | null, record: string, field: string, report: Report) {
  if (number !== null && (number > series.episodeCount || !series.episodes.some((e) => e.number === number))) {
    report(record, field, `episode ${number} is not among the series' episodes`);
  }
}

/** A revision revealed after the last episode would never be seen (a series of unknown length has episode 1). */
function revealedBeyond(
  series: SeedSeries,
  text: string | readonly { fromEpisode: number }[] | null,
  record: string,
  field: string,
  report: Report,
) {
  if (text === null || typeof text === 'string') return;
  for (const [i, r] of text.entries())
    if (r.fromEpisode > Math.max(series.episodeCount, 1))
      report(record, `${field}[${i}].fromEpisode`, `exceeds episodeCount ${series.episodeCount}`);
}

function checkSeries(series: SeedSeries, people: Set<string>, report: Report): void {
  const at = (kind: string, key: string | number) => `series "${series.slug}" ${kind} "${key}"`;
  const characters = new Set(series.characters.map((c) => c.slug));
  const needCharacter = (slug: string | null, record: string, field: string) => {
    if (slug !== null && !characters.has(slug)) report(record, field, `unknown character "${slug}"`);
  };
  const needPerson = (slug: string, record: string, field: string) => {
    if (!people.has(slug)) report(record, field, `unknown person "${slug}"`);
  };

  for (const e of series.episodes) {
    if (e.number > series.episodeCount)
      report(at('episode', e.number), 'number', `exceeds episodeCount ${series.episodeCount}`);
  }
  for (const c of series.characters) {
    if (c.firstEpisode !== null && c.firstEpisode > series.episodeCount)
      report(at('character', c.slug), 'firstEpisode', `exceeds episodeCount ${series.episodeCount}`);
    revealedBeyond(series, c.description, at('character', c.slug), 'description', report);
    revealedBeyond(series, c.basis, at('character', c.slug), 'basis', report);
    revealedBeyond(series, c.aliases, at('character', c.slug), 'aliases', report);
  }
  for (const [i, slug] of series.starring.entries()) needPerson(slug, `series "${series.slug}"`, `starring[${i}]`);
  for (const c of series.castings) {
    const record = at('casting', `${c.person}->${c.character}`);
    revealedBeyond(series, c.basis, record, 'basis', report);
    needPerson(c.person, record, 'person');
    needCharacter(c.character, record, 'character');
  }
  for (const c of series.credits) needPerson(c.person, at('credit', `${c.person}#${c.role}`), 'person');
  for (const r of series.relationships) {
    const record = at('relationship', r.slug);
    revealedBeyond(series, r.note, record, 'note', report);
    revealedBeyond(series, r.basis, record, 'basis', report);
    needCharacter(r.from, record, 'from');
    needCharacter(r.to, record, 'to');
    checkEpisode(series, r.since, record, 'since', report);
    checkEpisode(series, r.until, record, 'until', report);
  }
  for (const e of series.events) {
    const record = at('event', e.slug);
    revealedBeyond(series, e.basis, record, 'basis', report);
    checkEpisode(series, e.episode, record, 'episode', report);
    needCharacter(e.agent, record, 'agent');
    needCharacter(e.target, record, 'target');
    for (const [i, p] of e.participants.entries()) needCharacter(p.character, record, `participants[${i}].character`);
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

/** The domain's record rules (domain/rules.ts) as the seed loader reports them; `[0]` style indexes for lists. */
function ruleIssues(file: string, document: GraphDocument, wholeEpisodes: boolean): SeedIssue[] {
  const field = (f: string) => f.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
  const issues = documentIssues(document).map((i) => ({
    file,
    record: describeRecord(i.collection, i.key),
    field: field(i.field),
    message: i.message,
    rule: i.rule,
  }));
  if (wholeEpisodes)
    for (const i of sequenceIssues(document.events))
      issues.push({ file, record: describeRecord('events', i.key), field: i.field, message: i.message, rule: i.rule });
  return issues;
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
  const report: Report = (record, field, message) => issues.push({ file, record, field, message, rule: REFERENCE });
  const people = new Set([...knownPeople, ...seed.people.map((p) => p.slug)]);
  for (const series of seed.series) checkSeries(series, people, report);
  return [...issues, ...ruleIssues(file, document, wholeEpisodes)];
}
