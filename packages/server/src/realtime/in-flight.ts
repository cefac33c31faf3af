/** Counts handlers still running, so a graceful shutdown can wait for in-flight writes. */
export class InFlight {
  private running = 0;
  private waiters: (() => void)[] = [];

  get count(): number {
    return this.running;
  }

  begin(): void {
    this.running++;
  }

  end(): void {
    this.running--;
    if (this.running === 0) {
      for (const waiter of this.waiters) waiter();
      this.waiters = [];
    }
  }

  /** Resolves once nothing is running. */
  idle(): Promise<void> {
    return this.running === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}
