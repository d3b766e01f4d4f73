/**
 * A place held by one piece of work, given back while the work only waits on something else (see `aside`) and
 * taken again, through `retake`, before it goes on. Several waits at once give it back once; the last to end takes
 * it again. A retake that is refused rejects the waits that asked for it.
 */
export class Lease {
  private waits = 0;
  private retaking: Promise<void> | null = null;
  private over = false;

  constructor(
    private giveBack: () => void,
    private readonly retake: () => Promise<() => void>,
  ) {}

  /** `wait`'s outcome, with the place given back while it is pending and held again once it is over. */
  async aside<T>(wait: Promise<T>): Promise<T> {
    if (this.over) return wait;
    if (this.retaking !== null) await this.retaking;
    if (this.waits++ === 0) this.giveBack();
    let outcome: { value: T } | { error: unknown };
    try {
      outcome = { value: await wait };
    } catch (error) {
      outcome = { error };
    }
    if (--this.waits === 0 && !this.over) this.retaking = this.takeAgain();
    if (this.retaking !== null) await this.retaking;
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }

  /** The work is over: the place goes back now, or as soon as a retake under way gets it. */
  end(): void {
    this.over = true;
    if (this.waits === 0 && this.retaking === null) this.giveBack();
  }

  private async takeAgain(): Promise<void> {
    try {
      const giveBack = await this.retake();
      if (this.over) giveBack();
      else this.giveBack = giveBack;
    } finally {
      this.retaking = null;
    }
  }
}
