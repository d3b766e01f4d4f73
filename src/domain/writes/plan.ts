import { episodeKey, slugOf } from '../keys.js';
import { changeSet, type ChangeSet, type Collection } from './changes.js';
import { referenceIssues } from './references.js';
import { StoryState } from './state.js';
import { ValidationError, type FieldIssue } from './validation.js';
import { slotOf, type Dependent, type Referenced, type StoryView } from './view.js';

const SINGULAR: Record<Collection, string> = {
  people: 'person', series: 'series', episodes: 'episode', characters: 'character',
  castings: 'casting', credits: 'credit', relationships: 'relationship', events: 'event',
};

const REFERENCED: readonly Referenced[] = ['series', 'episodes', 'characters', 'people'];

/**
 * Decides, inside the write's transaction, what a change set will do to the story: it adds the contents
 * of cascaded series to the deletes, and throws ValidationError, writing nothing, if the result would
 * leave a dangling reference, a relationship that ends before it begins, two events in one place, or an
 * episode beyond its series' length.
 */
export async function planChanges(requested: ChangeSet, view: StoryView): Promise<ChangeSet> {
  const changes = requested.cascade ? await withSeriesContents(requested, view) : requested;
  const state = await StoryState.load(changes, view);
  const issues = [
    ...referenceIssues(state),
    ...(await deletionIssues(state, view)),
    ...(await episodeCountIssues(state, view)),
    ...(await slotIssues(state, view)),
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
  const listed = [...counts].map(([collection, n]) => `${n} ${n === 1 ? SINGULAR[collection] : collection}`).join(', ');
  return `${listed} (such as "${dependents[0]!.key}")`;
}

async function deletionIssues(state: StoryState, view: StoryView): Promise<FieldIssue[]> {
  const issues: FieldIssue[] = [];
  for (const collection of REFERENCED) {
    const keys = state.changes.deletes[collection];
    if (keys.length === 0) continue;
    for (const [key, dependents] of await view.dependents(collection, keys)) {
      const left = dependents.filter((d) => !state.isDeleted(d.collection, d.key) && !state.isUpserted(d.collection, d.key));
      if (left.length === 0) continue;
      const hint = collection === 'series' ? '; delete those first, or delete with cascade' : '; delete or change those first';
      issues.push({ path: [collection, key], message: `"${key}" is still referred to by ${describe(left)}${hint}` });
    }
  }
  return issues;
}

async function episodeCountIssues(state: StoryState, view: StoryView): Promise<FieldIssue[]> {
  const series = state.changes.upserts.series;
  if (series.length === 0) return [];
  const contents = await view.dependents('series', series.map((s) => s.key));
  return series.flatMap((s) =>
    (contents.get(s.key) ?? [])
      .filter((d) => d.collection === 'episodes' && !state.isDeleted('episodes', d.key))
      .map((d) => Number(slugOf(d.key)))
      .filter((number) => number > s.episodeCount)
      .sort((a, b) => a - b)
      .map((number) => ({
        path: ['series', s.key, 'episodeCount'],
        message: `episode ${number} exists, so episodeCount cannot be ${s.episodeCount}`,
      })),
  );
}

async function slotIssues(state: StoryState, view: StoryView): Promise<FieldIssue[]> {
  const events = state.changes.upserts.events;
  if (events.length === 0) return [];
  const stored = await view.eventsAt(events);
  const taken = new Map<string, string>();
  const issues: FieldIssue[] = [];
  const movedAway = (key: string | undefined) =>
    key === undefined || state.isDeleted('events', key) || state.isUpserted('events', key);
  for (const e of events) {
    const slot = slotOf(e.seriesKey, e.episodeNumber, e.sequence);
    const storedKey = stored.get(slot);
    const holder = taken.get(slot) ?? (movedAway(storedKey) ? undefined : storedKey);
    if (holder !== undefined && holder !== e.key) {
      const episode = episodeKey(e.seriesKey, e.episodeNumber);
      issues.push({ path: ['events', e.key, 'sequence'], message: `episode "${episode}" already has event "${holder}" at sequence ${e.sequence}` });
    }
    taken.set(slot, e.key);
  }
  return issues;
}
