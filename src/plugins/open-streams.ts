import { Tally } from '../queueing/tally.js';

/** Open streams (event streams, exports), in all and per client; a stream is counted until it ends or its client goes away. */
export class OpenStreams {
  private total = 0;
  private readonly byClient = new Tally();

  constructor(private readonly limits: { max: number; perClient: number }) {}

  /**
   * Counts a new stream for `client`, or says which limit it would pass: its own first, so that a client at its
   * limit is told so, and a place another gives up for it (a slow export's) is not taken for nothing (red team 41).
   */
  open(client: string): { release: () => void } | 'all' | 'client' {
    if (this.byClient.of(client) >= this.limits.perClient) return 'client';
    if (this.total >= this.limits.max) return 'all';
    this.total += 1;
    this.byClient.add(client, 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.total -= 1;
        this.byClient.add(client, -1);
      },
    };
  }
}
