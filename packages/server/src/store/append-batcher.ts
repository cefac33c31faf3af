/**
 * Group commit: while a write is in flight, further writes wait in a queue; when it finishes, the whole
 * queue (up to `maxBatch`) goes to the database as ONE statement. Under load this turns N statements
 * (N parses, N plans, N commits) into one; at low load a lone item is written at once, as before.
 *
 * One batch at a time per process (per store): batches commit in arrival order, so messages of one
 * conversation get their seqs in the order they were appended, and a batch sees everything committed
 * before it. Several processes on one PostgreSQL run their batches side by side; the row lock on each
 * conversation serialises them where they meet.
 *
 * Every caller gets exactly its own result (or its own error). Items whose `keys` collide with an item
 * already in the forming batch (e.g. the same clientId twice) wait for the next batch, so that the later
 * one finds the earlier one as already stored instead of both racing inside one statement.
 */
export type BatcherOptions<T, R> = {
  /** Writes a batch; returns one result per item, in order. Throwing fails the batch (see `single`). */
  writeBatch(items: T[]): Promise<R[]>;
  /** Writes one item on its own: used for a batch of one, and item by item when a batch fails. */
  writeOne(item: T): Promise<R>;
  /** Items that must not share a batch (same key = same idempotency scope). */
  keys?(item: T): string[];
  maxBatch?: number;
  /** Called when a batch statement failed and its items are being written one by one. */
  onBatchFailed?(error: unknown, size: number): void;
};

type Pending<T, R> = { item: T; resolve(result: R): void; reject(error: unknown): void };

export class AppendBatcher<T, R> {
  private queue: Pending<T, R>[] = [];
  /** Counters for tests, benchmarks and metrics. */
  readonly stats = { statements: 0, items: 0, largest: 0, fallbacks: 0 };
  private running = false;
  private scheduled = false;
  private readonly maxBatch: number;

  constructor(private readonly options: BatcherOptions<T, R>) {
    this.maxBatch = Math.max(1, options.maxBatch ?? 200);
  }

  /** Items waiting for a batch (not counting those in flight). */
  get waiting(): number {
    return this.queue.length;
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Starts the next batch on the next turn of the event loop rather than synchronously: every append
   * that socket handlers start in the same I/O phase joins the same batch.
   */
  private schedule() {
    if (this.scheduled || this.running || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush() {
    if (this.running || this.queue.length === 0) return;
    this.running = true;
    void this.run(this.take()).finally(() => {
      this.running = false;
      this.schedule();
    });
  }

  /** Takes up to maxBatch items in arrival order, leaving key-colliding items for a later batch. */
  private take(): Pending<T, R>[] {
    const keysOf = this.options.keys;
    if (!keysOf) return this.queue.splice(0, this.maxBatch);
    const batch: Pending<T, R>[] = [];
    const rest: Pending<T, R>[] = [];
    const seen = new Set<string>();
    for (const pending of this.queue) {
      if (batch.length >= this.maxBatch) {
        rest.push(pending);
        continue;
      }
      const keys = keysOf(pending.item);
      if (keys.some((k) => seen.has(k))) {
        rest.push(pending);
        continue;
      }
      for (const k of keys) seen.add(k);
      batch.push(pending);
    }
    this.queue = rest;
    return batch;
  }

  private async run(batch: Pending<T, R>[]) {
    this.stats.statements++;
    this.stats.items += batch.length;
    this.stats.largest = Math.max(this.stats.largest, batch.length);
    if (batch.length === 1) {
      const only = batch[0]!;
      await this.options.writeOne(only.item).then(only.resolve, only.reject);
      return;
    }
    let results: R[];
    try {
      results = await this.options.writeBatch(batch.map((p) => p.item));
      if (results.length !== batch.length) throw new Error(`batch returned ${results.length} of ${batch.length}`);
    } catch (error) {
      // The statement rolled back as a whole: nothing of it is stored. Write the items one by one so that
      // each caller gets its own outcome (a unique-violation race, one bad row, ...).
      this.stats.fallbacks++;
      this.options.onBatchFailed?.(error, batch.length);
      for (const pending of batch) await this.options.writeOne(pending.item).then(pending.resolve, pending.reject);
      return;
    }
    for (const [i, pending] of batch.entries()) pending.resolve(results[i]!);
  }
}
