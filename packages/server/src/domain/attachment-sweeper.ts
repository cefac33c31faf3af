import type { Logger } from '../logger.js';
import type { BlobStore } from '../store/blob-store.js';
import type { Store } from '../store/store.js';

/** Attachments deleted per round of a sweep. */
const BATCH = 500;

/** How long a half-written blob (its writer crashed) is left before it is deleted. */
const INCOMPLETE_BLOB_MS = 3_600_000;

/**
 * Deletes attachments no message used within `unusedMs` of their upload, and those of deleted
 * conversations, with their blobs. Every process may run it at once: rows are marked first (once), blobs
 * deleted next (deleting one twice is harmless), rows last, so a sweep interrupted anywhere is finished
 * by the next one.
 */
export class AttachmentSweeper {
  private busy = false;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly opts: {
      store: Store;
      blobs: BlobStore & { deleteIncompleteBefore?(before: Date): Promise<number> };
      unusedMs: number;
      everyMs: number;
      log: Logger;
      now?: () => number;
    },
  ) {}

  start(): this {
    this.timer = setInterval(() => void this.sweep(), this.opts.everyMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One sweep; resolves to how many attachments it deleted. */
  async sweep(): Promise<number> {
    if (this.busy) return 0;
    this.busy = true;
    const { store, blobs, log } = this.opts;
    const now = (this.opts.now ?? Date.now)();
    let deleted = 0;
    try {
      await store.attachments.markUnused(new Date(now - this.opts.unusedMs));
      for (
        let batch = await store.attachments.marked(BATCH);
        batch.length > 0;
        batch = await store.attachments.marked(BATCH)
      ) {
        await blobs.deleteMany(batch.flatMap((a) => a.blobIds));
        await store.attachments.remove(batch.map((a) => a.id));
        deleted += batch.length;
      }
      await blobs.deleteIncompleteBefore?.(new Date(now - INCOMPLETE_BLOB_MS));
      if (deleted > 0) log.info({ attachments: deleted }, 'unused attachments deleted');
    } catch (error) {
      log.warn({ err: error }, 'attachment sweep failed');
    } finally {
      this.busy = false;
    }
    return deleted;
  }
}
