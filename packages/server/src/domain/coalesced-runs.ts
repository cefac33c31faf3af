/**
 * Runs of one background job (a routing pass, an email round), never two at a time: `request()` starts a
 * run now, or — while one is running — asks for exactly one more right after it; many requests during a
 * run coalesce into that one. `stop()` refuses new runs and resolves when the current one is over.
 */
export class CoalescedRuns {
  private running: Promise<void> | null = null;
  private again = false;
  private halted = false;

  constructor(private readonly run: () => Promise<void>) {}

  get stopped(): boolean {
    return this.halted;
  }

  /** Resolves when the run that covers this request is done. */
  request(): Promise<void> {
    if (this.halted) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  stop(): Promise<void> {
    this.halted = true;
    return this.running ?? Promise.resolve();
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      await this.run();
    } while (this.again && !this.halted);
  }
}
