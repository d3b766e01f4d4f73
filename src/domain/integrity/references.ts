import type { Collection } from '../collections.js';
import { episodeKey, slugOf } from '../keys.js';
import type { PlotEventRecord, RelationshipRecord } from '../records.js';
import type { StoryState } from './state.js';
import type { FieldIssue } from './validation.js';

type Report = (collection: Collection, key: string, field: string, message: string) => void;

/** Checks that every upserted record points at things that will exist, in its own series. */
export function referenceIssues(state: StoryState): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const report: Report = (collection, key, field, message) =>
    issues.push({ path: [collection, key, ...field.split('.')], message, rule: 'reference' });
  const { upserts } = state.changes;
  const at = (collection: Collection, key: string) => new Refs(state, collection, key, report);

  for (const s of upserts.series)
    for (const [i, p] of s.starring.entries()) at('series', s.key).person(p, `starring.${i}`);
  for (const e of upserts.episodes) {
    const series = at('episodes', e.key).series(e.seriesKey);
    if (series && e.number > series.episodeCount) {
      report(
        'episodes',
        e.key,
        'number',
        `episode ${e.number} is beyond the series' episodeCount of ${series.episodeCount}`,
      );
    }
  }
  for (const c of upserts.characters) {
    const series = at('characters', c.key).series(c.seriesKey);
    if (series && c.firstEpisode !== null && c.firstEpisode > series.episodeCount) {
      const message = `episode ${c.firstEpisode} is beyond the series' episodeCount of ${series.episodeCount}`;
      report('characters', c.key, 'firstEpisode', message);
    }
    if (series) {
      revealedBeyond(series.episodeCount, c.description, 'description', (f, m) => report('characters', c.key, f, m));
      revealedBeyond(series.episodeCount, c.basis, 'basis', (f, m) => report('characters', c.key, f, m));
      revealedBeyond(series.episodeCount, c.aliases, 'aliases', (f, m) => report('characters', c.key, f, m));
    }
  }
  for (const c of upserts.castings) {
    const refs = at('castings', c.key);
    const series = state.get('series', c.seriesKey);
    if (series) revealedBeyond(series.episodeCount, c.basis, 'basis', (f, m) => report('castings', c.key, f, m));
    if (refs.series(c.seriesKey)) refs.character(c.characterKey, c.seriesKey, 'character');
    refs.person(c.personKey, 'person');
  }
  for (const c of upserts.credits) {
    at('credits', c.key).series(c.seriesKey);
    at('credits', c.key).person(c.personKey, 'person');
  }
  for (const r of upserts.relationships) {
    const series = state.get('series', r.seriesKey);
    if (series && r.revealedIn !== null && r.revealedIn > series.episodeCount) {
      const message = `episode ${r.revealedIn} is beyond the series' episodeCount of ${series.episodeCount}`;
      report('relationships', r.key, 'revealedIn', message);
    }
    if (series) {
      revealedBeyond(series.episodeCount, r.note, 'note', (f, m) => report('relationships', r.key, f, m));
      revealedBeyond(series.episodeCount, r.basis, 'basis', (f, m) => report('relationships', r.key, f, m));
    }
    relationshipIssues(r, at('relationships', r.key));
  }
  for (const e of upserts.events) {
    const series = state.get('series', e.seriesKey);
    if (series) revealedBeyond(series.episodeCount, e.basis, 'basis', (f, m) => report('events', e.key, f, m));
    eventIssues(e, at('events', e.key));
  }
  return issues;
}

/** A revision revealed after the last episode would never be seen. */
function revealedBeyond(
  episodeCount: number,
  revisions: readonly { fromEpisode: number }[],
  field: string,
  report: (field: string, message: string) => void,
): void {
  revisions.forEach((r, i) => {
    if (r.fromEpisode > Math.max(episodeCount, 1))
      report(
        `${field}.${i}.fromEpisode`,
        `episode ${r.fromEpisode} is beyond the series' episodeCount of ${episodeCount}`,
      );
  });
}

function relationshipIssues(r: RelationshipRecord, refs: Refs): void {
  if (!refs.series(r.seriesKey)) return;
  refs.character(r.fromKey, r.seriesKey, 'from');
  refs.character(r.toKey, r.seriesKey, 'to');
  if (r.sinceEpisode !== null) refs.episode(r.seriesKey, r.sinceEpisode, 'since');
  if (r.untilEpisode !== null) refs.episode(r.seriesKey, r.untilEpisode, 'until');
}

function eventIssues(e: PlotEventRecord, refs: Refs): void {
  if (!refs.series(e.seriesKey)) return;
  refs.episode(e.seriesKey, e.episodeNumber, 'episode');
  if (e.agentKey) refs.character(e.agentKey, e.seriesKey, 'agent');
  if (e.targetKey) refs.character(e.targetKey, e.seriesKey, 'target');
  e.participants.forEach((p, i) => {
    const named =
      (p.role === 'AGENT' && p.characterKey === e.agentKey) || (p.role === 'TARGET' && p.characterKey === e.targetKey);
    if (!named) refs.character(p.characterKey, e.seriesKey, `participants.${i}.character`);
  });
}

class Refs {
  constructor(
    private readonly state: StoryState,
    private readonly collection: Collection,
    private readonly key: string,
    private readonly report: Report,
  ) {}

  series(seriesKey: string) {
    const series = this.state.get('series', seriesKey);
    if (!series) this.report(this.collection, this.key, 'series', `there is no series "${seriesKey}"`);
    return series;
  }

  person(personKey: string, field: string): void {
    if (!this.state.get('people', personKey))
      this.report(this.collection, this.key, field, `there is no person "${personKey}"`);
  }

  episode(seriesKey: string, number: number, field: string): void {
    if (!this.state.get('episodes', episodeKey(seriesKey, number))) {
      this.report(this.collection, this.key, field, `series "${seriesKey}" has no episode ${number}`);
    }
  }

  character(characterKey: string, seriesKey: string, field: string): void {
    const character = this.state.get('characters', characterKey);
    if (!character) {
      this.report(this.collection, this.key, field, `series "${seriesKey}" has no character "${slugOf(characterKey)}"`);
    } else if (character.seriesKey !== seriesKey) {
      const message = `character "${slugOf(characterKey)}" belongs to series "${character.seriesKey}", not "${seriesKey}"`;
      this.report(this.collection, this.key, field, message);
    }
  }
}
