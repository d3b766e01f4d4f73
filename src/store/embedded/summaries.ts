import { AsyncResource } from 'node:async_hooks';
import { type SeriesSummary, summaryStory, summaryWith } from '../../domain/series-summary.js';
import {
  detectTrope,
  inStoryOrder,
  TROPE_EVENT_KINDS,
  TROPE_KINDS,
  type Trope,
  type TropeEvent,
} from '../../domain/tropes.js';
import type { EmbeddedDatabase } from './database.js';
import { DataMovedError, Turns } from './planned.js';
import type { ScanTurns } from './queries.js';
import type { EmbeddedReads } from './reads.js';

/** Due series a pass of the keeper lists at a time. */
const DUE_PER_LISTING = 64;

/**
 * A series' summary derived from its story (null: no such series), by the rule Neo4j derives every summary by,
 * reading in turns of the event loop as `turns` says.
 */
export async function deriveSummary(
  reads: EmbeddedReads,
  seriesKey: string,
  turns: ScanTurns | undefined,
): Promise<SeriesSummary | null> {
  const series = reads.record('series', seriesKey);
  if (series === null) return null;
  const relationships = await reads.listedInTurns('relationships', 'relationshipsBySeries', [[seriesKey]], turns);
  const castings = await reads.listedInTurns('castings', 'castingsBySeries', [[seriesKey]], turns);
  const credits = await reads.listedInTurns('credits', 'creditsBySeries', [[seriesKey]], turns);
  // The index rows hold every fact the detectors read: decoding 120,000 records and keeping them was most of the work.
  const events = await reads.eventRowsInTurns('eventsByPosition', [seriesKey], TROPE_EVENT_KINDS, turns);
  const facts = { relationships, events, castings, credits };
  // summaryOf, a trope kind at a time: detecting them all at once in 120,000 confessions held the loop for 0.2 s.
  const story = inStoryOrder(summaryStory(facts));
  const tropes: Trope<TropeEvent>[] = [];
  for (const kind of TROPE_KINDS) {
    if (turns?.due()) await turns.take();
    const trope = detectTrope(kind, story);
    if (trope !== null) tropes.push(trope);
  }
  return summaryWith(series, tropes, facts);
}

/**
 * Derives the summaries writes marked due and keeps them, in a process that writes: each series over one snapshot
 * in the process's slices of the event loop, kept in a transaction of its own unless a write marked it due again
 * meanwhile. Until then reads derive it themselves, so what it keeps never changes an answer.
 */
export class SummaryKeeper {
  private pass: Promise<void> | null = null;
  /** The derivation running for each series, and the data version it reads. */
  private readonly deriving = new Map<string, { version: number; summary: Promise<SeriesSummary | null> }>();
  private again = false;
  private paused = false;
  private stopping = new AbortController();
  /** Passes run outside the async context of the write that started them (a request's round-trip counter). */
  private readonly scope = new AsyncResource('drama-graph:summary-keeper');

  constructor(
    private readonly database: EmbeddedDatabase,
    private readonly reads: EmbeddedReads,
    /** Runs a commit in turn with the store's writes. */
    private readonly inWriteOrder: (work: () => Promise<unknown>) => Promise<unknown>,
    /** False: only `settle` derives (a command that writes, then exits). */
    private readonly background: boolean,
  ) {}

  /**
   * Starts a pass in the background unless one runs (that one looks again when it ends). A pass that fails leaves
   * its series due, and the next write starts another.
   */
  kick(): void {
    if (!this.background || this.paused) return;
    if (this.pass !== null) {
      this.again = true;
      return;
    }
    this.start().catch(() => undefined);
  }

  /** Derives and keeps every due summary, now; rejects with what stopped it. */
  async settle(): Promise<void> {
    while (!this.paused && this.database.dueSummaries(1).length > 0) {
      await (this.pass ?? this.start());
    }
  }

  /**
   * A series' summary derived from its story over the current snapshot, in the process's slices of the event loop:
   * one derivation per series and snapshot, shared by the keeper and every read that asks for it meanwhile (each
   * derived its own, and a write to a long series was followed by two or more derivations of it). It rejects with
   * DataMovedError when a write moves the data first, and ends at a turn once the keeper is paused.
   */
  derive(seriesKey: string): Promise<SeriesSummary | null> {
    const version = this.reads.refresh();
    const running = this.deriving.get(seriesKey);
    if (running?.version === version) return running.summary;
    const entry = {
      version,
      summary: deriveSummary(this.reads, seriesKey, new Turns(this.reads, version, this.stopping.signal)),
    };
    this.deriving.set(seriesKey, entry);
    const ended = () => {
      if (this.deriving.get(seriesKey) === entry) this.deriving.delete(seriesKey);
    };
    entry.summary.then(ended, ended);
    return entry.summary;
  }

  /** Ends the pass that runs, at its next turn (its series stay due), and starts none until `resume`. */
  async pause(): Promise<void> {
    this.paused = true;
    this.stopping.abort();
    await this.pass?.catch(() => undefined);
  }

  resume(): void {
    this.paused = false;
    this.stopping = new AbortController();
    this.kick();
  }

  /** A pass from the next turn of the event loop: none of its work runs in the caller's turn. */
  private start(): Promise<void> {
    this.again = false;
    const signal = this.stopping.signal;
    this.pass = this.scope.runInAsyncScope(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      await this.run(signal);
    });
    const ended = () => {
      this.pass = null;
      // A write that committed as the pass ended.
      if (this.again) this.kick();
    };
    this.pass.then(ended, ended);
    return this.pass;
  }

  private async run(signal: AbortSignal): Promise<void> {
    let due = this.database.dueSummaries(DUE_PER_LISTING);
    while (due.length > 0) {
      this.again = false;
      let kept = 0;
      for (const { seriesKey, serial } of due) {
        if (signal.aborted) return;
        let summary: SeriesSummary | null;
        try {
          summary = await this.derive(seriesKey);
        } catch (error) {
          if (signal.aborted) return;
          if (error instanceof DataMovedError) continue;
          throw error;
        }
        if (await this.inWriteOrder(() => this.database.keepSummary(seriesKey, serial, summary))) kept += 1;
      }
      // Every series a listing named was written again meanwhile: the write that did it starts the next pass.
      if (kept === 0 && !this.again) return;
      due = this.database.dueSummaries(DUE_PER_LISTING);
    }
  }
}
