/** Open streams (event streams, exports), in all and per client; a stream is counted until it ends or its client goes away. */
export class OpenStreams {
  private total = 0;
  private readonly byClient = new Map<string, number>();

  constructor(private readonly limits: { max: number; perClient: number }) {}

  /** Counts a new stream for `client`, or says which limit it would pass. */
  open(client: string): { release: () => void } | 'all' | 'client' {
    if (this.total >= this.limits.max) return 'all';
    const mine = this.byClient.get(client) ?? 0;
    if (mine >= this.limits.perClient) return 'client';
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
