import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmailContent, MAX_RETRY_DELAY_MS, retryDelayMs } from '../src/store/email-outbox-repo.js';
import { migrate } from '../src/store/migrations.js';
import { createStore, type Store } from '../src/store/store.js';
import { requirePostgres } from './helpers/postgres.js';
import { pgliteBackend, postgresBackend } from './helpers/store-backends.js';

/**
 * The durable email outbox on PGlite and PostgreSQL: enqueueing is idempotent, a due row goes to one
 * worker at a time even when thirty claim at once, failures back off and end as failed, and the
 * unseen-replies scan queues one email per waiting period however many scans run together.
 */

const hasPostgres = await requirePostgres();
const backends = [pgliteBackend, ...(hasPostgres ? [postgresBackend(40)] : [])];

const content = (subject = 'Hello'): EmailContent => ({
  from: 'Parley <parley@mail.example.test>',
  subject,
  text: 'text',
  html: '<p>text</p>',
  messageIdDomain: 'mail.example.test',
});

describe.each(backends)('email outbox on $name', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let siteId: string;
  beforeAll(async () => {
    const opened = await backend.open();
    cleanup = opened.cleanup;
    await migrate(opened.db);
    store = createStore(opened.db);
    siteId = (await store.sites.create({ name: 'Outbox', allowedOrigins: [] })).id;
  }, 60_000);
  afterAll(async () => cleanup?.());

  const email = (dedupeKey: string, subject?: string) => ({
    kind: 'transcript' as const,
    dedupeKey,
    siteId,
    conversationId: null,
    to: 'visitor@example.com',
    content: content(subject),
  });
  /** Leaves only the given rows pending (earlier tests' rows are retired). */
  const retireOthers = (keep: string[]) =>
    store.db.query("update email_outbox set status = 'cancelled' where status = 'pending' and not (id = any($1))", [
      keep,
    ]);

  it('thirty concurrent enqueues of one dedupe key make one row', async () => {
    const ids = await Promise.all(
      Array.from({ length: 30 }, (_, i) => store.emailOutbox.enqueue(email('k1', `#${i}`))),
    );
    expect(ids.filter(Boolean)).toHaveLength(1);
    const row = await store.emailOutbox.byDedupeKey('k1');
    expect(row).toMatchObject({ id: ids.find(Boolean), status: 'pending', attempts: 0, to: 'visitor@example.com' });
  });

  it('thirty concurrent claims take each due row once', async () => {
    const ids = (
      await Promise.all(Array.from({ length: 12 }, (_, i) => store.emailOutbox.enqueue(email(`claim-${i}`))))
    ).map(String);
    await retireOthers(ids);
    const claims = await Promise.all(Array.from({ length: 30 }, () => store.emailOutbox.claim(3, 60_000)));
    const claimed = claims.flat().map((row) => row.id);
    expect(claimed.sort()).toEqual([...ids].sort());
    // Leased: nobody takes them again until the lease runs out.
    expect(await store.emailOutbox.claim(50, 60_000)).toEqual([]);
  });

  it('a row whose worker died is claimed again once its lease runs out', async () => {
    const id = String(await store.emailOutbox.enqueue(email('lease')));
    await retireOthers([id]);
    expect((await store.emailOutbox.claim(5, 1)).map((r) => r.id)).toEqual([id]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await store.emailOutbox.claim(5, 60_000)).map((r) => r.id)).toEqual([id]);
  });

  it('a failure backs off; a sent row is never claimed again', async () => {
    const id = String(await store.emailOutbox.enqueue(email('retry')));
    await retireOthers([id]);
    await store.emailOutbox.claim(5, 60_000);
    expect(await store.emailOutbox.retry(id, 'connection refused', 60_000)).toBe('pending');
    expect(await store.emailOutbox.claim(5, 60_000)).toEqual([]); // not due for a minute
    const row = await store.emailOutbox.byDedupeKey('retry');
    expect(row).toMatchObject({ attempts: 1, lastError: 'connection refused', status: 'pending' });
    expect(Date.parse(row!.nextAttemptAt) - Date.now()).toBeGreaterThan(50_000);
    await store.emailOutbox.retry(id, 'again', 0);
    expect((await store.emailOutbox.claim(5, 60_000)).map((r) => r.id)).toEqual([id]);
    expect(await store.emailOutbox.markSent(id, `<${id}@mail.example.test>`)).toBe(true);
    expect(await store.emailOutbox.markSent(id, 'twice')).toBe(false);
    expect(await store.emailOutbox.byDedupeKey('retry')).toMatchObject({
      status: 'sent',
      messageId: `<${id}@mail.example.test>`,
    });
    expect(await store.emailOutbox.claim(5, 0)).toEqual([]);
  });

  it('gives up on a permanent refusal and after the last attempt; cancel stops a row', async () => {
    const permanent = String(await store.emailOutbox.enqueue(email('permanent')));
    expect(await store.emailOutbox.retry(permanent, '550 no such user', 0, true)).toBe('failed');
    const worn = String(await store.emailOutbox.enqueue(email('worn')));
    await store.db.query('update email_outbox set attempts = 29 where id = $1', [worn]);
    expect(await store.emailOutbox.retry(worn, 'timeout', 0)).toBe('failed');
    const old = String(await store.emailOutbox.enqueue(email('old')));
    await store.db.query("update email_outbox set created_at = now() - interval '25 hours' where id = $1", [old]);
    expect(await store.emailOutbox.retry(old, 'timeout', 0)).toBe('failed');
    const cancelled = String(await store.emailOutbox.enqueue(email('cancel')));
    expect(await store.emailOutbox.cancel(cancelled, 'not wanted')).toBe(true);
    await retireOthers([]);
    expect(await store.emailOutbox.claim(10, 60_000)).toEqual([]);
  });

  it('gives up on emails not sent within a day, and purges finished ones after a while', async () => {
    const stale = String(await store.emailOutbox.enqueue(email('stale')));
    const fresh = String(await store.emailOutbox.enqueue(email('fresh')));
    await store.db.query("update email_outbox set created_at = now() - interval '25 hours' where id = $1", [stale]);
    expect(await store.emailOutbox.expire()).toBe(1);
    expect(await store.emailOutbox.byDedupeKey('stale')).toMatchObject({
      status: 'failed',
      lastError: 'not sent in time',
    });
    expect(await store.emailOutbox.byDedupeKey('fresh')).toMatchObject({ status: 'pending' });
    // Finished and old: deleted; pending, or finished recently: kept.
    await store.db.query("update email_outbox set created_at = now() - interval '40 days' where id = any($1)", [
      [stale, fresh],
    ]);
    expect(await store.emailOutbox.purge(30 * 24 * 3_600_000)).toBe(1);
    expect(await store.emailOutbox.byDedupeKey('stale')).toBeNull();
    expect(await store.emailOutbox.byDedupeKey('fresh')).toMatchObject({ status: 'pending' });
    expect(await store.emailOutbox.byDedupeKey('k1')).not.toBeNull();
    await store.emailOutbox.cancel(fresh, 'done with it');
  });

  it('backoff doubles from the base with jitter, capped at an hour', () => {
    expect(retryDelayMs(1000, 0, () => 0.5)).toBe(1000);
    expect(retryDelayMs(1000, 3, () => 0.5)).toBe(8000);
    expect(retryDelayMs(1000, 3, () => 0)).toBe(6000);
    expect(retryDelayMs(1000, 3, () => 0.999)).toBeLessThan(10_000);
    expect(retryDelayMs(10_000, 20, () => 0.5)).toBe(MAX_RETRY_DELAY_MS);
  });

  it('thirty concurrent unseen-reply scans queue one email and raise emailed_seq; a seen one is cancelled', async () => {
    await retireOthers([]);
    const visitor = await store.visitors.create(siteId);
    await store.visitors.update(visitor.id, { email: 'waiting@example.com' });
    const { conversation } = await store.conversations.openOrCreate(siteId, visitor.id);
    const agent = await store.agents.create({
      email: `outbox-${Math.random()}@example.com`,
      name: 'Ana',
      role: 'agent',
      passwordHash: 'x',
      maxChats: 5,
    });
    const reply = (clientId: string, text: string, internal = false) =>
      store.messages.append({
        conversationId: conversation.id,
        clientId,
        author: 'agent',
        authorId: agent.id,
        authorName: agent.name,
        text,
        internal,
      });
    await reply('r1', 'first reply');
    await reply('n1', 'internal note', true);
    await reply('r2', 'second reply');
    // Not old enough yet: nothing.
    expect(await store.emailOutbox.enqueueUnseenReplies(60_000, 50, () => null)).toBe(0);
    const composed: string[][] = [];
    const results = await Promise.all(
      Array.from({ length: 30 }, () =>
        store.emailOutbox.enqueueUnseenReplies(0, 50, (unseen) => {
          composed.push(unseen.replies.map((m) => m.text));
          return {
            siteId,
            conversationId: unseen.conversationId,
            to: unseen.visitorEmail,
            content: content(`unseen ${unseen.maxSeq}`),
          };
        }),
      ),
    );
    expect(results.reduce((a, b) => a + b, 0)).toBe(1);
    expect(composed).toEqual([['first reply', 'second reply']]);
    const rows = await store.emailOutbox.list({ conversationId: conversation.id, kind: 'unseen_replies' });
    expect(rows).toHaveLength(1);
    const [{ emailed_seq }] = (await store.db.query('select emailed_seq from conversations where id = $1', [
      conversation.id,
    ])) as [{ emailed_seq: number }];
    expect(rows[0]!.content.maxSeq).toBe(Number(emailed_seq));
    // Scanning again finds nothing new: the conversation is not even offered.
    const offered: string[] = [];
    await store.emailOutbox.enqueueUnseenReplies(0, 50, (unseen) => {
      offered.push(unseen.conversationId);
      return null;
    });
    expect(offered).not.toContain(conversation.id);
    // The visitor sees the replies before the email goes: it is cancelled, not sent.
    await store.db.query('update conversations set visitor_seen_seq = last_seq where id = $1', [conversation.id]);
    expect(await store.emailOutbox.cancelSeen()).toBe(1);
    expect((await store.emailOutbox.list({ conversationId: conversation.id }))[0]).toMatchObject({
      status: 'cancelled',
    });
    // A later reply opens a new waiting period: one more email, with only that reply.
    await reply('r3', 'third reply');
    composed.length = 0;
    await store.emailOutbox.enqueueUnseenReplies(0, 50, (unseen) => {
      composed.push(unseen.replies.map((m) => m.text));
      return { siteId, conversationId: unseen.conversationId, to: unseen.visitorEmail, content: content() };
    });
    expect(composed).toEqual([['third reply']]);
  });

  it('upgrading to migration 10 does not email visitors about replies written before', async () => {
    const visitor = await store.visitors.create(siteId);
    await store.visitors.update(visitor.id, { email: 'old-timer@example.com' });
    const { conversation } = await store.conversations.openOrCreate(siteId, visitor.id);
    await store.messages.append({
      conversationId: conversation.id,
      clientId: 'old',
      author: 'agent',
      authorId: null,
      authorName: 'Ana',
      text: 'an answer from last year',
      internal: false,
    });
    // Back to the schema before migration 10, then upgrade again.
    await store.db.exec(`drop table email_outbox;
      alter table conversations drop column visitor_seen_seq, drop column visitor_seen_at, drop column agent_seen_seq,
        drop column agent_seen_at, drop column emailed_seq;
      alter table agents drop column email_notifications;
      delete from schema_migrations where version = 10;`);
    expect(await migrate(store.db)).toBe(1);
    const offered: string[] = [];
    await store.emailOutbox.enqueueUnseenReplies(0, 50, (unseen) => {
      offered.push(unseen.conversationId);
      return null;
    });
    expect(offered).toEqual([]);
  });
});
