import type { Collection } from '../collections.js';
import { COLLECTION_FACTS } from '../collections.js';
import { documentIssues } from '../document-rules.js';
import { episodeKey, slugOf } from '../keys.js';
import { type Placed, sequenceIssues } from '../rules.js';
import { type ChangeSet, changeSet } from './changes.js';
import { referenceIssues } from './references.js';
import { StoryState } from './state.js';
import { type FieldIssue, ValidationError } from './validation.js';
import type { Dependent, EpisodePlace, Referenced, StoryView } from './view.js';

const REFERENCED: readonly Referenced[] = ['series', 'episodes', 'characters', 'people'];

/**
 * Decides, inside the write's transaction, what a change set will do to the story: it adds the contents
 * of cascaded series to the deletes, and throws ValidationError, writing nothing, if the result would
 * break a record's rules (domain/rules.ts), leave a dangling reference, leave an episode's events other
 * than 1..N, or leave an episode beyond its series' length.
 */
export async function planChanges(requested: ChangeSet, view: StoryView): Promise<ChangeSet> {
  const own = documentIssues(requested.upserts).map(({ collection, key, field, rule, message }) => ({
    path: [collection, key, ...(field === '(record)' ? [] : field.split('.'))],
    message,
    rule,
  }));
  if (own.length > 0) throw new ValidationError(own);
  const changes = requested.cascade ? await withSeriesContents(requested, view) : requested;
  const state = await StoryState.load(changes, view);
  const issues = [
    ...referenceIssues(state),
    ...(await deletionIssues(state, view)),
    ...(await episodeCountIssues(state, view)),
    ...(await placeIssues(state, view)),
  ];
  if (issues.length > 0) throw new ValidationError(issues);
  return changes;
}

async function withSeriesContents(changes: ChangeSet, view: StoryView): Promise<ChangeSet> {
  const contents = await view.dependents('series', changes.deletes.series);
  const deletes = structuredClone(changes.deletes);
  for (const dependents of contents.values()) for (const d of dependents) deletes[d.collection].push(d.key);
  for (const c of Object.keys(deletes) as Collection[]) deletes[c] = [...new Set(deletes[c])];
  return changeSet({ upserts: changes.upserts, deletes, cascade: true });
}

function describe(dependents: readonly Dependent[]): string {
  const counts = new Map<Collection, number>();
  for (const d of dependents) counts.set(d.collection, (counts.get(d.collection) ?? 0) + 1);
  const listed = [...counts]
    .map(([collection, n]) => `${n} ${n === 1 ? COLLECTION_FACTS[collection].singular : collection}`)
    .join(', ');
  return `${listed} (such as "${dependents[0]!.key}")`;
}

async function deletionIssues(state: StoryState, view: StoryView): Promise<FieldIssue[]> {
  const issues: FieldIssue[] = [];
  for (const collection of REFERENCED) {
    const keys = state.changes.deletes[collection];
    if (keys.length === 0) continue;
    for (const [key, dependents] of await view.dependents(collection, keys)) {
      const left = dependents.filter(
        (d) => !state.isDeleted(d.collection, d.key) && !state.isUpserted(d.collection, d.key),
      );
      if (left.length === 0) continue;
      const hint =
        collection === 'series' ? '; delete those first, or delete with cascade' : '; delete or change those first';
      issues.push({
        path: [collection, key],
        message: `"${key}" is still referred to by ${describe(left)}${hint}`,
        rule: 'still-referred',
      });
    }
  }
  return issues;
}

async function episodeCountIssues(state: StoryState, view: StoryView): Promise<FieldIssue[]> {
  const series = state.changes.upserts.series;
  if (series.length === 0) return [];
  const keys = series.map((s) => s.key);
  const [contents, stored] = await Promise.all([view.dependents('series', keys), view.existing('series', keys)]);
  const issues: FieldIssue[] = [];
  for (const s of series) {
    const dependents = (contents.get(s.key) ?? []).filter((d) => !state.isDeleted(d.collection, d.key));
    const path = ['series', s.key, 'episodeCount'];
    const episodes = dependents
      .filter((d) => d.collection === 'episodes')
      .map((d) => Number(slugOf(d.key)))
      .filter((number) => number > s.episodeCount)
      .sort((a, b) => a - b);
    for (const number of episodes)
      issues.push({
        path,
        message: `episode ${number} exists, so episodeCount cannot be ${s.episodeCount}`,
        rule: 'episode-count',
      });
    const before = stored.get(s.key)?.episodeCount;
    if (before === undefined || before <= s.episodeCount) continue;
    const kept = dependents.filter((d) => !state.isUpserted(d.collection, d.key));
    for (const { what, beyond } of await factsBeyond(view, kept, s.episodeCount))
      issues.push({
        path,
        message: `${what} ${beyond.join(' and ')}, so episodeCount cannot be ${s.episodeCount}`,
        rule: 'episode-count',
      });
  }
  return issues;
}

/** Stored characters, relationships, events and castings that a series of `episodeCount` episodes could not hold. */
async function factsBeyond(
  view: StoryView,
  kept: readonly Dependent[],
  episodeCount: number,
): Promise<{ what: string; beyond: string[] }[]> {
  const keysOf = (collection: Collection) => kept.filter((d) => d.collection === collection).map((d) => d.key);
  const [characters, relationships, events, castings] = await Promise.all([
    view.existing('characters', keysOf('characters')),
    view.existing('relationships', keysOf('relationships')),
    view.existing('events', keysOf('events')),
    view.existing('castings', keysOf('castings')),
  ]);
  const last = Math.max(episodeCount, 1);
  const revealed = (field: string, revisions: readonly { fromEpisode: number }[]) => {
    const later = revisions.filter((r) => r.fromEpisode > last).map((r) => r.fromEpisode);
    if (later.length === 0) return [];
    const episodes = later.length === 1 ? `episode ${later[0]}` : `episodes ${later.join(', ')}`;
    return [`has ${field} revealed from ${episodes}`];
  };
  const found: { what: string; beyond: string[] }[] = [];
  for (const c of [...characters.values()].sort((a, b) => a.key.localeCompare(b.key))) {
    const beyond = [
      ...(c.firstEpisode !== null && c.firstEpisode > episodeCount
        ? [`first appears in episode ${c.firstEpisode}`]
        : []),
      ...revealed('description revisions', c.description),
      ...revealed('basis revisions', c.basis),
      ...revealed('aliases', c.aliases),
    ];
    if (beyond.length > 0) found.push({ what: `character "${slugOf(c.key)}"`, beyond });
  }
  for (const r of [...relationships.values()].sort((a, b) => a.key.localeCompare(b.key))) {
    const beyond = [
      ...(r.revealedIn !== null && r.revealedIn > episodeCount ? [`is revealed in episode ${r.revealedIn}`] : []),
      ...revealed('note revisions', r.note),
      ...revealed('basis revisions', r.basis),
    ];
    if (beyond.length > 0) found.push({ what: `relationship "${slugOf(r.key)}"`, beyond });
  }
  const judged = [
    ...[...events.values()].map((e) => ({ what: `event "${slugOf(e.key)}"`, key: e.key, basis: e.basis })),
    ...[...castings.values()].map((c) => ({ what: `casting "${c.key}"`, key: c.key, basis: c.basis })),
  ].sort((a, b) => a.key.localeCompare(b.key));
  for (const { what, basis } of judged) {
    const beyond = revealed('basis revisions', basis);
    if (beyond.length > 0) found.push({ what, beyond });
  }
  return found;
}

const placeOf = (e: { seriesKey: string; episodeNumber: number }) => episodeKey(e.seriesKey, e.episodeNumber);

/**
 * Every episode a write adds an event to, moves one out of or deletes one from must still hold its events
 * at sequences 1..N: one event per place and no gap.
 */
async function placeIssues(state: StoryState, view: StoryView): Promise<FieldIssue[]> {
  const { upserts, deletes } = state.changes;
  const changed = [...upserts.events.map((e) => e.key), ...deletes.events];
  if (changed.length === 0) return [];
  const before = await view.eventPlaces([], changed);
  const episodes = new Map<string, EpisodePlace>();
  for (const e of [
    ...before,
    ...upserts.events.map((u) => ({ seriesKey: u.seriesKey, episodeNumber: u.episodeNumber })),
  ]) {
    episodes.set(placeOf(e), { seriesKey: e.seriesKey, episodeNumber: e.episodeNumber });
  }
  const stored = await view.eventPlaces([...episodes.values()], []);
  const kept = stored.filter((e) => !state.isDeleted('events', e.key) && !state.isUpserted('events', e.key));
  const written: Placed[] = upserts.events.map(({ key, seriesKey, episodeNumber, sequence }) => ({
    key,
    seriesKey,
    episodeNumber,
    sequence,
  }));
  const cause = new Map<string, string>();
  for (const e of before) if (!cause.has(placeOf(e))) cause.set(placeOf(e), e.key);
  const position = new Map<string, Placed>([...stored, ...written].map((e) => [e.key, e]));
  return sequenceIssues([...kept, ...written]).map((issue) => {
    if (state.isUpserted('events', issue.key))
      return { path: ['events', issue.key, 'sequence'], message: issue.message, rule: issue.rule };
    const episode = placeOf(position.get(issue.key)!);
    const culprit = cause.get(episode) ?? issue.key;
    const message = `${issue.message}; delete or move only an episode's last event, or renumber the later ones in the same importBatch`;
    return { path: ['events', culprit], message, rule: issue.rule };
  });
}
