/** Open streams (event streams, exports), in all and per client; a stream is counted until it ends or its client goes away. */
export class OpenStreams {
  private total = 0;
  private readonly byClient = new Map<string, number>();

  constructor(private readonly limits: { max: number; perClient: number }) {}

  /**
   * Counts a new stream for `client`, or says which limit it would pass: its own first, so that a client at its
   * limit is told so, and a place another gives up for it (a slow export's) is not taken for nothing (red team 41).
   */
  open(client: string): { release: () => void } | 'all' | 'client' {
    const mine = this.byClient.get(client) ?? 0;
    if (mine >= this.limits.perClient) return 'client';
    if (this.total >= this.limits.max) return 'all';
    this.total += 1;
    this.byClient.set(client, mine + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.total -= 1;
        const left = (this.byClient.get(client) ?? 1) - 1;
        if (left === 0) this.byClient.delete(client);
        else this.byClient.set(client, left);
      },
    };
  }
}
