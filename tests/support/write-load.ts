import type { DramaYoga } from '../../src/yoga.js';
import { graphql } from './graphql.js';
import { eventWrite, mutationOf, variablesOf } from './story-writes.js';

export interface WriteOutcome {
  n: number;
  status: number;
  acknowledged: boolean;
  codes: unknown[];
}

const REFUSED_PAUSE_MS = 50;

/** Clients that keep writing plot events with fresh numbers until stopped; every outcome is kept. */
export class WriteLoad {
  readonly outcomes: WriteOutcome[] = [];
  private next = 1;
  private running = true;
  private readonly clients: Promise<void>[];

  constructor(
    private readonly yoga: DramaYoga,
    private readonly series: string,
    private readonly headers: Record<string, string>,
    clients: number,
  ) {
    this.clients = Array.from({ length: clients }, () => this.client());
  }

  acknowledged(): number[] {
    return this.outcomes.filter((outcome) => outcome.acknowledged).map((outcome) => outcome.n);
  }

  async stop(): Promise<WriteOutcome[]> {
    this.running = false;
    await Promise.all(this.clients);
    return this.outcomes;
  }

  /** Like a real client, pauses briefly after a refusal instead of retrying in a busy loop (refusals are instant). */
  private async client(): Promise<void> {
    while (this.running) {
      const outcome = await this.write(this.next++);
      this.outcomes.push(outcome);
      if (!outcome.acknowledged) await new Promise((resolve) => setTimeout(resolve, REFUSED_PAUSE_MS));
    }
  }

  private async write(n: number): Promise<WriteOutcome> {
    const write = eventWrite(this.series, n);
    const response = await graphql(this.yoga, mutationOf(write), variablesOf(write), this.headers);
    const typename = response.data?.[write.field]?.__typename as string | undefined;
    return {
      n,
      status: response.status,
      acknowledged: typename === 'UpsertPlotEventSuccess',
      codes: (response.errors ?? []).map((e) => e.extensions?.code),
    };
  }
}

/** Waits until the condition holds, checking every 100 ms (no deadline: the test's timeout is the deadline). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 100));
}
