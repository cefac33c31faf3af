import { isUnavailable } from '../../driver-errors.js';
import type { Logger } from '../../logger.js';
import { type OutboxEmail, retryDelayMs } from '../../store/email-outbox-repo.js';
import type { Store } from '../../store/store.js';
import { CoalescedRuns } from '../coalesced-runs.js';
import type { EmailNotices } from './email-notices.js';
import { isPermanentSmtpError, type Mailer } from './mailer.js';

/** What may be logged of an SMTP failure. */
const smtpFault = (error: unknown) => {
  const e = error as { code?: unknown; responseCode?: unknown; command?: unknown } | null;
  return { code: e?.code, responseCode: e?.responseCode, command: e?.command };
};

/** Finished emails are kept this long (for looking into), then deleted; checked at most hourly. */
const KEEP_FINISHED_MS = 30 * 24 * 3_600_000;
const PURGE_EVERY_MS = 3_600_000;

/** Rows claimed per round. */
const BATCH = 10;
/** How long a claimed row is this worker's: longer than a send can take (mailer.ts timeouts). */
const LEASE_MS = 120_000;

/**
 * Every process runs one: each `pollMs` it scans for unseen replies to email, cancels emails whose replies
 * were seen meanwhile, then claims due outbox rows and sends them. A database or SMTP failure is logged and
 * retried later (with backoff for the row); nothing here throws into chat, and chat never waits for it.
 * Without a mailer (no SMTP_URL) rows are still queued and simply wait.
 */
export class EmailWorker {
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly runs = new CoalescedRuns(() => this.round());
  private lastPurge = 0;

  constructor(
    private readonly opts: {
      store: Store;
      notices: EmailNotices;
      mailer: Mailer | null;
      pollMs: number;
      retryBaseMs: number;
      log: Logger;
    },
  ) {}

  start(): this {
    this.timer = setInterval(() => void this.kick(), this.opts.pollMs);
    this.timer.unref();
    void this.kick();
    return this;
  }

  /** A round soon (now, or right after the current one). Resolves when that round is done. */
  kick(): Promise<void> {
    return this.runs.request();
  }

  /** Stops polling and waits for the round in progress (its rows are leased; none is lost either way). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.runs.stop();
    this.opts.mailer?.close();
  }

  private async round(): Promise<void> {
    const { store, notices, mailer, log } = this.opts;
    try {
      await notices.scanUnseenReplies();
      await store.emailOutbox.cancelSeen();
      await store.emailOutbox.expire();
      if (Date.now() - this.lastPurge >= PURGE_EVERY_MS) {
        this.lastPurge = Date.now();
        await store.emailOutbox.purge(KEEP_FINISHED_MS);
      }
      if (!mailer) return;
      for (let rows = await store.emailOutbox.claim(BATCH, LEASE_MS); rows.length > 0 && !this.runs.stopped; ) {
        for (const row of rows) await this.deliver(mailer, row);
        rows = rows.length === BATCH ? await store.emailOutbox.claim(BATCH, LEASE_MS) : [];
      }
    } catch (error) {
      if (isUnavailable(error)) log.warn({ err: error }, 'email round failed: store unavailable');
      else log.error({ err: error }, 'email round failed');
    }
  }

  private async deliver(mailer: Mailer, row: OutboxEmail): Promise<void> {
    const { store, log } = this.opts;
    let messageId: string;
    try {
      messageId = await mailer.send(row);
    } catch (error) {
      const permanent = isPermanentSmtpError(error);
      const reason = error instanceof Error ? error.message : String(error);
      const status = await store.emailOutbox.retry(
        row.id,
        reason,
        retryDelayMs(this.opts.retryBaseMs, row.attempts),
        permanent,
      );
      log.warn(
        // Not the error itself: an SMTP answer may quote the recipient's address.
        { emailId: row.id, kind: row.kind, attempts: row.attempts + 1, status, smtp: smtpFault(error) },
        status === 'failed' ? 'email given up' : 'email not sent; will retry',
      );
      return;
    }
    // Sent: should recording it fail, the row comes back when its lease ends and goes again with the
    // same Message-ID, which the receiving side can recognise.
    await store.emailOutbox.markSent(row.id, messageId);
    log.info({ emailId: row.id, kind: row.kind }, 'email sent');
  }
}
