import type { Message } from '@parley/protocol';
import { attachmentsOf } from './attachments-repo.js';
import { newId } from './ids.js';
import { iso, toMessage } from './rows.js';
import type { Row, SqlDatabase, SqlExecutor } from './sql.js';

/*
 * The durable outbox of outgoing email (table email_outbox, migration 10). An email is a row first:
 * enqueueing is idempotent on dedupe_key, every process may run a worker, a worker claims due rows with a
 * lease (locked_until) under `for update skip locked` so each row goes to one worker at a time, and a row
 * whose worker died is claimed again once its lease runs out. Nothing is sent from memory.
 */

export type OutboxKind = 'unseen_replies' | 'transcript' | 'agent_assigned';
export type OutboxStatus = 'pending' | 'sent' | 'cancelled' | 'failed';

/** What a row carries to the mailer: the whole email, written once at enqueue time (retries send the same). */
export type EmailContent = {
  from: string;
  replyTo?: string | undefined;
  subject: string;
  text: string;
  html: string;
  /** The domain of the stable Message-ID `<row id@domain>`. */
  messageIdDomain: string;
  headers?: Record<string, string> | undefined;
  /** unseen_replies: the highest agent reply in it; cancelled instead of sent once the visitor saw it. */
  maxSeq?: number | undefined;
};

export type NewEmail = {
  kind: OutboxKind;
  dedupeKey: string;
  siteId: string | null;
  conversationId: string | null;
  to: string;
  content: EmailContent;
};

export type OutboxEmail = NewEmail & {
  id: string;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  messageId: string | null;
  sentAt: string | null;
  createdAt: string;
};

/** A conversation whose visitor has agent replies waiting, unseen and not yet emailed, long enough. */
export type UnseenReplies = {
  conversationId: string;
  siteId: string;
  siteName: string;
  siteLocale: string | null;
  visitorId: string;
  visitorEmail: string;
  visitorName: string | null;
  visitorLocale: string | null;
  /** The unseen agent replies (public), oldest first, with their attachments. */
  replies: Message[];
  maxSeq: number;
};

/** Longest pause between two attempts. */
export const MAX_RETRY_DELAY_MS = 3_600_000;
/** An email is given up (status failed) after this many attempts or this long after it was enqueued. */
export const MAX_ATTEMPTS = 30;
export const GIVE_UP_AFTER_MS = 24 * 3_600_000;

/** The pause before attempt `attempts + 1`: base · 2^attempts, capped at an hour, with ±25 % jitter. */
export function retryDelayMs(baseMs: number, attempts: number, random: () => number = Math.random): number {
  const exact = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.min(attempts, 30));
  return Math.round(exact * (0.75 + random() * 0.5));
}

function toEmail(row: Row): OutboxEmail {
  const content = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as EmailContent;
  return {
    id: String(row.id),
    kind: row.kind as OutboxKind,
    dedupeKey: String(row.dedupe_key),
    siteId: row.site_id == null ? null : String(row.site_id),
    conversationId: row.conversation_id == null ? null : String(row.conversation_id),
    to: String(row.to_address),
    content,
    status: row.status as OutboxStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: iso(row.next_attempt_at),
    lastError: row.last_error == null ? null : String(row.last_error),
    messageId: row.message_id == null ? null : String(row.message_id),
    sentAt: row.sent_at == null ? null : iso(row.sent_at),
    createdAt: iso(row.created_at),
  };
}

async function insertEmail(q: SqlExecutor, email: NewEmail): Promise<string | null> {
  const rows = await q.query<{ id: string }>(
    `insert into email_outbox (id, kind, dedupe_key, site_id, conversation_id, to_address, payload)
     values ($1, $2, $3, $4, $5, $6, $7::jsonb) on conflict (dedupe_key) do nothing returning id`,
    [newId(), email.kind, email.dedupeKey, email.siteId, email.conversationId, email.to, JSON.stringify(email.content)],
  );
  return rows[0] ? String(rows[0].id) : null;
}

/*
 * Conversations with agent replies the visitor has neither seen nor been emailed, the oldest of them older
 * than $1 ms, whose visitor has an email. Locked (skip locked): two processes scanning at once each take
 * different conversations, and emailed_seq is raised in the same transaction as the enqueue.
 */
const UNSEEN_CANDIDATES_SQL = `
select c.id, c.site_id, c.visitor_id, greatest(c.visitor_seen_seq, c.emailed_seq) as after_seq,
       s.name as site_name, s.settings->>'locale' as site_locale,
       v.email as visitor_email, v.name as visitor_name, v.context->>'locale' as visitor_locale
from conversations c
join visitors v on v.id = c.visitor_id
join sites s on s.id = c.site_id
where v.email is not null
  and c.last_seq > c.emailed_seq and c.last_seq > c.visitor_seen_seq
  -- active within the day: an older unseen reply is not worth an email any more (and the scan stays short)
  and c.updated_at > now() - $3 * interval '1 millisecond'
  and (
    -- a subquery per conversation left by the filters above, on the (conversation_id, seq) index: never a
    -- scan of all messages
    select min(m.created_at) from messages m
    where m.conversation_id = c.id and m.seq > greatest(c.visitor_seen_seq, c.emailed_seq)
      and m.author = 'agent' and not m.internal
  ) <= now() - $1 * interval '1 millisecond'
order by c.updated_at
limit $2
for update of c skip locked`;

export function emailOutboxRepo(db: SqlDatabase) {
  return {
    /** Adds an email unless one with its dedupe key exists; the new row's id, or null for a repeat. */
    enqueue(email: NewEmail, q: SqlExecutor = db): Promise<string | null> {
      return insertEmail(q, email);
    },

    async byDedupeKey(key: string): Promise<OutboxEmail | null> {
      const rows = await db.query('select * from email_outbox where dedupe_key = $1', [key]);
      return rows[0] ? toEmail(rows[0]) : null;
    },

    async list(filter: { conversationId?: string; kind?: OutboxKind } = {}): Promise<OutboxEmail[]> {
      const rows = await db.query(
        `select * from email_outbox where ($1::text is null or conversation_id = $1) and ($2::text is null or kind = $2)
         order by created_at, id`,
        [filter.conversationId ?? null, filter.kind ?? null],
      );
      return rows.map(toEmail);
    },

    /**
     * Takes up to `limit` due pending rows for this worker until `leaseMs` from now: no other worker takes
     * them meanwhile; should this one die, they are due again when the lease runs out.
     */
    async claim(limit: number, leaseMs: number): Promise<OutboxEmail[]> {
      const rows = await db.query(
        `update email_outbox set locked_until = now() + $2 * interval '1 millisecond'
         where id in (
           select id from email_outbox
           where status = 'pending' and next_attempt_at <= now() and (locked_until is null or locked_until < now())
           order by next_attempt_at limit $1
           for update skip locked)
         returning *`,
        [limit, leaseMs],
      );
      return rows.map(toEmail).sort((a, b) => a.nextAttemptAt.localeCompare(b.nextAttemptAt));
    },

    async markSent(id: string, messageId: string): Promise<boolean> {
      const rows = await db.query(
        `update email_outbox set status = 'sent', message_id = $2, sent_at = now(), locked_until = null,
           attempts = attempts + 1, last_error = null
         where id = $1 and status = 'pending' returning id`,
        [id, messageId],
      );
      return rows.length > 0;
    },

    /**
     * A failed attempt: due again after `delayMs`, or given up (failed) when `permanent`, after MAX_ATTEMPTS
     * attempts, or once the email is older than GIVE_UP_AFTER_MS. Returns the row's new status.
     */
    async retry(id: string, error: string, delayMs: number, permanent = false): Promise<OutboxStatus | null> {
      const rows = await db.query<{ status: OutboxStatus }>(
        `update email_outbox set attempts = attempts + 1, last_error = $2, locked_until = null,
           next_attempt_at = now() + $3 * interval '1 millisecond',
           status = case when $4 or attempts + 1 >= $5 or created_at < now() - $6 * interval '1 millisecond'
                         then 'failed' else 'pending' end
         where id = $1 and status = 'pending' returning status`,
        [id, error.slice(0, 1000), delayMs, permanent, MAX_ATTEMPTS, GIVE_UP_AFTER_MS],
      );
      return rows[0]?.status ?? null;
    },

    async cancel(id: string, reason: string): Promise<boolean> {
      const rows = await db.query(
        `update email_outbox set status = 'cancelled', last_error = $2, locked_until = null
         where id = $1 and status = 'pending' returning id`,
        [id, reason],
      );
      return rows.length > 0;
    },

    /**
     * Gives up (failed) pending emails older than GIVE_UP_AFTER_MS, sent or not tried yet (no SMTP_URL
     * until now): nobody wants a day-old notification. Returns how many.
     */
    async expire(): Promise<number> {
      const rows = await db.query(
        `update email_outbox set status = 'failed', last_error = coalesce(last_error, 'not sent in time'),
           locked_until = null
         where status = 'pending' and created_at < now() - $1 * interval '1 millisecond'
           and (locked_until is null or locked_until < now())
         returning id`,
        [GIVE_UP_AFTER_MS],
      );
      return rows.length;
    },

    /** Deletes finished emails (sent, cancelled, failed) older than `keepMs`; how many. */
    async purge(keepMs: number): Promise<number> {
      const rows = await db.query(
        `delete from email_outbox where status <> 'pending' and created_at < now() - $1 * interval '1 millisecond'
         returning id`,
        [keepMs],
      );
      return rows.length;
    },

    /** Cancels pending unseen-reply emails whose replies the visitor has seen meanwhile; how many. */
    async cancelSeen(): Promise<number> {
      const rows = await db.query(
        `update email_outbox o set status = 'cancelled', last_error = 'seen before sending', locked_until = null
         from conversations c
         where o.status = 'pending' and o.kind = 'unseen_replies' and c.id = o.conversation_id
           and c.visitor_seen_seq >= (o.payload->>'maxSeq')::int
         returning o.id`,
      );
      return rows.length;
    },

    /**
     * One scan for unseen agent replies (UNSEEN_CANDIDATES_SQL) older than `afterMs`: for each conversation
     * found, `compose` writes the email, which is enqueued (dedupe `unseen:<conversation>:<max seq>`) in the
     * same transaction that raises emailed_seq. One email per waiting period, however many processes scan.
     * `compose` returning null skips the conversation (nothing raised). Returns how many were enqueued.
     */
    async enqueueUnseenReplies(
      afterMs: number,
      limit: number,
      compose: (unseen: UnseenReplies) => Omit<NewEmail, 'kind' | 'dedupeKey'> | null,
    ): Promise<number> {
      return db.transaction(async (tx) => {
        let enqueued = 0;
        for (const row of await tx.query(UNSEEN_CANDIDATES_SQL, [afterMs, limit, GIVE_UP_AFTER_MS])) {
          const conversationId = String(row.id);
          const messageRows = await tx.query(
            `select * from messages where conversation_id = $1 and seq > $2 and author = 'agent' and not internal
             order by seq`,
            [conversationId, Number(row.after_seq)],
          );
          if (messageRows.length === 0) continue;
          const replies = messageRows.map(toMessage);
          const files = await attachmentsOf(
            tx,
            replies.map((m) => m.id),
          );
          for (const reply of replies) reply.attachments = files.get(reply.id) ?? [];
          const maxSeq = replies[replies.length - 1]!.seq;
          const email = compose({
            conversationId,
            siteId: String(row.site_id),
            siteName: String(row.site_name),
            siteLocale: row.site_locale == null ? null : String(row.site_locale),
            visitorId: String(row.visitor_id),
            visitorEmail: String(row.visitor_email),
            visitorName: row.visitor_name == null ? null : String(row.visitor_name),
            visitorLocale: row.visitor_locale == null ? null : String(row.visitor_locale),
            replies,
            maxSeq,
          });
          if (!email) continue;
          const dedupeKey = `unseen:${conversationId}:${maxSeq}`;
          const content = { ...email.content, maxSeq };
          if (await insertEmail(tx, { ...email, kind: 'unseen_replies', dedupeKey, content })) enqueued++;
          await tx.query('update conversations set emailed_seq = greatest(emailed_seq, $2) where id = $1', [
            conversationId,
            maxSeq,
          ]);
        }
        return enqueued;
      });
    },
  };
}
