import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmailLinks } from '../src/domain/email-links.js';
import { expectNoCrashLogs } from './helpers/adversary.js';
import {
  type AgentClient,
  api,
  connectVisitor,
  createAgent,
  defaultSiteKey,
  emit,
  eventually,
  login,
  ok,
} from './helpers/clients.js';
import {
  agentReply,
  emailEnv,
  magicToken,
  mailTo,
  onlineAgent,
  visitorWhoLeft,
  type WaitingVisitor,
} from './helpers/email-chat.js';
import { createTestDatabase, requirePostgres } from './helpers/postgres.js';
import { type RunningServer, removeDir, startServer } from './helpers/server.js';
import { type SmtpCapture, startSmtpCapture } from './helpers/smtp-capture.js';

/**
 * Email to visitors, end to end: a real server process (PostgreSQL, so the test can read the outbox and
 * stand in for the widget's "seen" receipt with SQL — `messages:seen` is recorded by the receipts work,
 * a stub on this branch) sending to a real SMTP server on 127.0.0.1.
 */

const hasPostgres = await requirePostgres();

describe.skipIf(!hasPostgres)('email to visitors (PostgreSQL)', { timeout: 60_000 }, () => {
  let smtp: SmtpCapture;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let server: RunningServer;
  let sql: pg.Client;
  let siteKey: string;
  let agent: Awaited<ReturnType<typeof onlineAgent>>;
  let links: EmailLinks;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    database = await createTestDatabase();
    server = await startServer({ env: { DATABASE_URL: database.url, ...emailEnv(smtp.url) } });
    const admin = await login(server.url);
    siteKey = await defaultSiteKey(server.url, admin);
    agent = await onlineAgent(server.url, admin, 'Ana <Support>');
    sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
    const secret = await sql.query("select value from app_settings where key = 'email_link_secret'");
    links = new EmailLinks(String(secret.rows[0].value));
  }, 60_000);

  afterAll(async () => {
    agent?.client.socket.close();
    await sql?.end();
    if (server) {
      expectNoCrashLogs(server);
      await server.stop();
      removeDir(server.dataDir);
    }
    await database?.drop();
    await smtp?.stop();
  });

  const outbox = async (conversationId: string) =>
    (
      await sql.query(
        'select kind, status, attempts, last_error, dedupe_key from email_outbox where conversation_id = $1 order by created_at',
        [conversationId],
      )
    ).rows as { kind: string; status: string; attempts: number; last_error: string | null; dedupe_key: string }[];
  const markSeen = (conversationId: string) =>
    sql.query('update conversations set visitor_seen_seq = last_seq where id = $1', [conversationId]);
  const client = (): AgentClient => agent.client;

  it('emails the unseen replies once: text and escaped HTML, signed Reply-To, a working magic link', async () => {
    const visitor = await visitorWhoLeft(server.url, siteKey, client());
    await agentReply(client(), visitor.conversationId, 'Thanks for waiting!\nYour order ships today.');
    await agentReply(client(), visitor.conversationId, 'Internal: VIP customer', true);
    await agentReply(client(), visitor.conversationId, 'Try <script>alert("x")</script> & <b>bold</b>');

    const mail = await smtp.waitFor(mailTo(visitor.email));
    expect(mail.subject).toBe('New reply from Default site');
    expect(mail.from).toEqual(['parley@mail.example.test']);
    expect(mail.headers['auto-submitted']).toBe('auto-generated');
    expect(mail.messageId).toMatch(/^<[0-9a-f-]{36}@mail\.example\.test>$/);
    // Both replies, in order, with the agent's name; never the internal note.
    expect(mail.text).toContain('Ana <Support>:\nThanks for waiting!\nYour order ships today.');
    expect(mail.text).toContain('Try <script>alert("x")</script> & <b>bold</b>');
    expect(mail.text.indexOf('Thanks for waiting')).toBeLessThan(mail.text.indexOf('Try <script>'));
    expect(mail.text + mail.html).not.toContain('VIP customer');
    // The HTML shows the same words, inert.
    expect(mail.html).toContain('Try &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(mail.html).toContain('Ana &lt;Support&gt;');
    expect(mail.html).not.toMatch(/<script|<b>bold/);
    // Replies go to the conversation's signed address.
    expect(mail.replyTo).toHaveLength(1);
    expect(links.conversationOf(mail.replyTo[0]!)).toBe(visitor.conversationId);
    expect(links.conversationOf(mail.replyTo[0]!.replace(/\.[0-9a-f]{20}@/, '.00000000000000000000@'))).toBeNull();
    // The magic link reopens this conversation as this visitor, and is in the HTML too.
    const token = magicToken(mail);
    expect(mail.text).toContain(`${server.url}/r/${token}`);
    expect(mail.html).toContain(`href="${server.url}/r/${token}"`);
    expect(links.verify(token)).toMatchObject({ conversationId: visitor.conversationId, visitorId: visitor.visitorId });

    // Sent once: the row is done, and a later reply opens a new waiting period with only itself.
    await eventually(async () => expect((await outbox(visitor.conversationId))[0]?.status).toBe('sent'));
    await agentReply(client(), visitor.conversationId, 'One more thing.');
    await eventually(() => expect(smtp.matching(mailTo(visitor.email))).toHaveLength(2), 15_000);
    const second = smtp.matching(mailTo(visitor.email))[1]!;
    expect(second.text).toContain('One more thing.');
    expect(second.text).not.toContain('Thanks for waiting');
    expect(second.messageId).not.toBe(mail.messageId);
  });

  it('sends nothing for replies seen before the delay (a later visitor still gets theirs)', async () => {
    const seen = await visitorWhoLeft(server.url, siteKey, client());
    const control = await visitorWhoLeft(server.url, siteKey, client());
    await agentReply(client(), seen.conversationId, 'You will read this in the chat.');
    await markSeen(seen.conversationId); // what the widget's receipt does
    await agentReply(client(), control.conversationId, 'You will read this by email.');
    await smtp.waitFor(mailTo(control.email));
    expect(smtp.matching(mailTo(seen.email))).toEqual([]);
    expect(await outbox(seen.conversationId)).toEqual([]);
  });

  it('cancels a queued email when the visitor sees the replies before it could be sent', async () => {
    smtp.refuse(451);
    try {
      const visitor = await visitorWhoLeft(server.url, siteKey, client());
      await agentReply(client(), visitor.conversationId, 'Read me soon.');
      await eventually(async () => expect((await outbox(visitor.conversationId))[0]?.attempts).toBeGreaterThan(0));
      await markSeen(visitor.conversationId);
      smtp.accept();
      await eventually(async () => expect((await outbox(visitor.conversationId))[0]?.status).toBe('cancelled'));
      expect(smtp.matching(mailTo(visitor.email))).toEqual([]);
    } finally {
      smtp.accept();
    }
  });

  it('SMTP down for a while: chat goes on, and the email arrives once it is back, once', async () => {
    await smtp.down();
    let visitor: WaitingVisitor | undefined;
    try {
      visitor = await visitorWhoLeft(server.url, siteKey, client());
      const { conversationId } = visitor;
      await agentReply(client(), conversationId, 'Sent while the mail server was down.');
      await eventually(
        async () => expect((await outbox(conversationId))[0]?.attempts).toBeGreaterThanOrEqual(2),
        15_000,
      );
      const [row] = await outbox(conversationId);
      expect(row).toMatchObject({ status: 'pending', kind: 'unseen_replies' });
      expect(row!.last_error).toMatch(/ECONNREFUSED|connect/i);
      // Chat is unaffected meanwhile.
      await agentReply(client(), conversationId, 'Still chatting.');
    } finally {
      await smtp.up();
    }
    if (!visitor) throw new Error('no visitor');
    const mail = await smtp.waitFor(mailTo(visitor.email), 20_000);
    expect(mail.text).toContain('Sent while the mail server was down.');
    const { conversationId } = visitor;
    await eventually(async () => expect((await outbox(conversationId))[0]?.status).toBe('sent'));
    expect(smtp.matching((m) => m.messageId === mail.messageId)).toHaveLength(1);
  });

  it('emails a transcript on request at close, once, without internal notes; not without an email', async () => {
    const visitor = await visitorWhoLeft(server.url, siteKey, client(), {
      text: 'Where is my <parcel>?',
      locale: 'fr-FR',
    });
    await agentReply(client(), visitor.conversationId, 'It left the warehouse.');
    await agentReply(client(), visitor.conversationId, 'Internal: check the courier', true);
    const back = await connectVisitor(server.url, siteKey, { visitorToken: visitor.visitorToken });
    for (let i = 0; i < 2; i++)
      await ok(emit(back.socket, 'conversation:close', { conversationId: visitor.conversationId, transcript: true }));
    const transcript = await smtp.waitFor(
      (m) => mailTo(visitor.email)(m) && m.subject === 'Votre conversation avec Default site',
    );
    expect(transcript.text).toContain('Voici une copie de votre conversation avec Default site.');
    expect(transcript.text).toMatch(/Vous \([^)]*UTC\):\nWhere is my <parcel>\?/);
    expect(transcript.text).toContain('It left the warehouse.');
    expect(transcript.text + transcript.html).not.toContain('check the courier');
    expect(transcript.html).toContain('Where is my &lt;parcel&gt;?');
    expect(transcript.html).toContain('lang="fr"');
    expect(links.conversationOf(transcript.replyTo[0]!)).toBe(visitor.conversationId);
    const rows = (await outbox(visitor.conversationId)).filter((r) => r.kind === 'transcript');
    expect(rows).toHaveLength(1);
    await eventually(async () =>
      expect((await outbox(visitor.conversationId)).find((r) => r.kind === 'transcript')?.status).toBe('sent'),
    );
    back.socket.close();

    // A visitor without an email: the close works, nothing is queued.
    const anonymous = await visitorWhoLeft(server.url, siteKey, client(), { email: null });
    const again = await connectVisitor(server.url, siteKey, { visitorToken: anonymous.visitorToken });
    const closed = await ok(
      emit<{ conversation: { status: string } }>(again.socket, 'conversation:close', {
        conversationId: anonymous.conversationId,
        transcript: true,
      }),
    );
    expect(closed.conversation.status).toBe('closed');
    expect(await outbox(anonymous.conversationId)).toEqual([]);
    again.socket.close();
  });

  it('refuses a malformed close request and changes nothing', async () => {
    const visitor = await visitorWhoLeft(server.url, siteKey, client(), { email: `${randomUUID()}@example.com` });
    const back = await connectVisitor(server.url, siteKey, { visitorToken: visitor.visitorToken });
    const res = await emit(back.socket, 'conversation:close', {
      conversationId: visitor.conversationId,
      transcript: 'yes',
    });
    expect(res).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    const status = await sql.query('select status from conversations where id = $1', [visitor.conversationId]);
    expect(status.rows[0].status).not.toBe('closed');
    back.socket.close();
  });

  it('an agent turns notification emails off (and on) in their profile; bad input changes nothing', async () => {
    const admin = await login(server.url);
    const { token, agent: created } = await createAgent(server.url, admin, { name: 'Opt' });
    const stored = async () =>
      (await sql.query('select email_notifications from agents where id = $1', [created.id])).rows[0]
        .email_notifications;
    expect((await api(server.url, '/api/me', { token })).body.agent.emailNotifications).toBe(true);
    for (const body of [{ emailNotifications: 'no' }, { emailNotification: false }, []]) {
      const res = await api(server.url, '/api/me', { method: 'PATCH', token, body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_payload');
    }
    expect(await stored()).toBe(true);
    const off = await api(server.url, '/api/me', { method: 'PATCH', token, body: { emailNotifications: false } });
    expect(off.status).toBe(200);
    expect(off.body.agent.emailNotifications).toBe(false);
    expect((await api(server.url, '/api/me', { token })).body.agent.emailNotifications).toBe(false);
    expect(await stored()).toBe(false);
    const on = await api(server.url, '/api/me', { method: 'PATCH', token, body: { emailNotifications: true } });
    expect(on.body.agent.emailNotifications).toBe(true);
    expect(await stored()).toBe(true);
  });
});
