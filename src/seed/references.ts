import type { SeedIssue } from '../errors.js';
import type { SeedFile, SeedSeries } from './format.js';

type Report = (record: string, field: string, message: string) => void;

function checkUnique(values: string[], record: (value: string) => string, field: string, report: Report): void {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) report(record(value), field, `duplicate "${value}"`);
    seen.add(value);
  }
}

function checkEpisode(series: SeedSeries, number: number | null, record: string, field: string, report: Report) {
  if (number !== null && (number > series.episodeCount || !series.episodes.some((e) => e.number === number))) {
    report(record, field, `episode ${number} is not among the series' episodes`);
  }
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

  checkUnique(series.episodes.map((e) => String(e.number)), (n) => at('episode', n), 'number', report);
  checkUnique(series.characters.map((c) => c.slug), (s) => at('character', s), 'slug', report);
  checkUnique(series.relationships.map((r) => r.slug), (s) => at('relationship', s), 'slug', report);
  checkUnique(series.events.map((e) => e.slug), (s) => at('event', s), 'slug', report);
  checkUnique(series.events.map((e) => `${e.episode}#${e.sequence}`), (s) => at('event position', s), 'sequence', report);
  for (const e of series.episodes) {
    if (e.number > series.episodeCount) report(at('episode', e.number), 'number', `exceeds episodeCount ${series.episodeCount}`);
  }
  series.starring.forEach((slug, i) => needPerson(slug, `series "${series.slug}"`, `starring[${i}]`));
  for (const c of series.castings) {
    const record = at('casting', `${c.person}->${c.character}`);
    needPerson(c.person, record, 'person');
    needCharacter(c.character, record, 'character');
  }
  for (const c of series.credits) needPerson(c.person, at('credit', `${c.person}#${c.role}`), 'person');
  for (const r of series.relationships) checkRelationship(series, r, at('relationship', r.slug), needCharacter, report);
  for (const e of series.events) {
    const record = at('event', e.slug);
    checkEpisode(series, e.episode, record, 'episode', report);
    needCharacter(e.agent, record, 'agent');
    needCharacter(e.target, record, 'target');
    e.participants.forEach((p, i) => needCharacter(p.character, record, `participants[${i}].character`));
    checkUnique(e.participants.map((p) => `${p.character}:${p.role}`), () => record, 'participants', report);
    for (const [field, role] of [['agent', 'AGENT'], ['target', 'TARGET']] as const) {
      const slug = e[field];
      const listed = e.participants.filter((p) => p.role === role).map((p) => p.character);
      if (slug !== null && !listed.includes(slug)) report(record, field, `must also be a participant with role ${role}`);
      if (listed.length > 0 && (slug === null || listed.length > 1)) {
        report(record, 'participants', `role ${role} must name exactly the ${field}`);
      }
    }
  }
}

function checkRelationship(
  series: SeedSeries,
  r: SeedSeries['relationships'][number],
  record: string,
  needCharacter: (slug: string | null, record: string, field: string) => void,
  report: Report,
): void {
  needCharacter(r.from, record, 'from');
  needCharacter(r.to, record, 'to');
  if (r.from === r.to) report(record, 'to', 'a relationship needs two different characters');
  checkEpisode(series, r.since, record, 'since', report);
  checkEpisode(series, r.until, record, 'until', report);
  if (r.since !== null && r.until !== null && r.until < r.since) {
    report(record, 'until', `ends in episode ${r.until}, before it begins in episode ${r.since}`);
  }
}

/** Checks what a schema cannot: that every reference in the file points at something that exists. */
export function findReferenceIssues(file: string, seed: SeedFile, knownPeople: ReadonlySet<string>): SeedIssue[] {
  const issues: SeedIssue[] = [];
  const report: Report = (record, field, message) => issues.push({ file, record, field, message });
  checkUnique(seed.people.map((p) => p.slug), (s) => `person "${s}"`, 'slug', report);
  checkUnique(seed.series.map((s) => s.slug), (s) => `series "${s}"`, 'slug', report);
  const people = new Set([...knownPeople, ...seed.people.map((p) => p.slug)]);
  for (const series of seed.series) checkSeries(series, people, report);
  return issues;
}
