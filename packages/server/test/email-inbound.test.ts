import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Conversation, Message } from '@parley/protocol';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmailLinks } from '../src/domain/email-links.js';
import { type AgentClient, api, defaultSiteKey, emit, eventually, login, ok, type Visitor } from './helpers/clients.js';
import {
  inboundSmtpPort,
  onlineAgent,
  REPLY_DOMAIN,
  seedEmailLinks,
  sendEmail,
  smtpOutcome,
  visitorChattingWith,
} from './helpers/inbound-email.js';
import { type RunningServer, removeDir, startServer } from './helpers/server.js';
import { download, PDF, unsigned } from './helpers/uploads.js';

/**
 * A visitor answers one of Parley's emails: the reply, sent over real SMTP to the in-process listener (or
 * posted by a provider's webhook), appears in the conversation as the visitor's message, live in the
 * agent's console, exactly once, and only when it is a person's reply to a genuine reply address.
 */

const WEBHOOK_SECRET = 'inbound-webhook-secret-0123456789';
const VISITOR_EMAIL = 'ann.visitor@example.com';
let server: RunningServer;
let links: EmailLinks;
let smtpPort: number;
let admin: string;
let siteKey: string;
let agent: AgentClient;
const visitors: Visitor[] = [];

beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-inbound-'));
  links = await seedEmailLinks({ dataDir });
  server = await startServer({
    dataDir,
    env: {
      PARLEY_SMTP_INBOUND_PORT: '0',
      PARLEY_INBOUND_WEBHOOK_SECRET: WEBHOOK_SECRET,
      PARLEY_EMAIL_REPLY_DOMAIN: REPLY_DOMAIN,
      PARLEY_VISITOR_MSG_LIMIT: '1000',
    },
  });
  smtpPort = inboundSmtpPort(server);
  admin = await login(server.url);
  siteKey = await defaultSiteKey(server.url, admin);
  agent = await onlineAgent(server.url, admin, 50);
});

afterAll(async () => {
  for (const v of visitors) v.socket.disconnect();
  agent?.socket.disconnect();
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

/** A visitor with an email who chatted with the agent: the conversation an email would be about. */
async function chattingVisitor() {
  const { visitor, conversationId } = await visitorChattingWith(server.url, siteKey, agent, VISITOR_EMAIL);
  visitors.push(visitor);
  return { visitor, conversationId, replyTo: links.replyAddress(conversationId, REPLY_DOMAIN) };
}

let markers = 0;
/**
 * The visitor messages the agent received for a conversation (other than the first and the markers), once everything sent before has arrived: the visitor sends
 * a marker message, which arrives after anything appended earlier (one conversation's messages arrive in
 * order), so an extra copy of an earlier message would already be there.
 */
async function agentSawSettled(visitor: Visitor, conversationId: string): Promise<Message[]> {
  const text = `marker ${++markers}`;
  await ok(emit(visitor.socket, 'message:send', { clientId: `marker-${markers}`, text }));
  await eventually(() => expect(agent.messages.map((m) => m.text)).toContain(text));
  return agent.messages.filter(
    (m) =>
      m.conversationId === conversationId &&
      m.author === 'visitor' &&
      m.clientId !== 'w1' &&
      !m.text.startsWith('marker '),
  );
}

const reply = (to: string, messageId: string, text: string, extra: object = {}) => ({
  from: `Ann <${VISITOR_EMAIL}>`,
  to,
  subject: 'Re: New reply from Parley',
  messageId,
  text,
  ...extra,
});

const QUOTED =
  '\n\nOn Mon, Dec 7, 2026 at 10:02 AM Parley <support@acme.example> wrote:\n> What is your order number?\n';

describe('replies by SMTP', () => {
  it('reach the agent live with the quoted history removed, once though delivered twice', async () => {
    const { visitor, conversationId, replyTo } = await chattingVisitor();
    const mail = reply(replyTo, '<reply-1@mail.example>', `It is 4711.${QUOTED}`);
    expect((await sendEmail(smtpPort, mail)).response).toContain('(appended)');
    const live = await eventually(() => {
      const found = agent.messages.find((m) => m.text === 'It is 4711.');
      expect(found).toBeDefined();
      return found!;
    });
    expect(live).toMatchObject({ conversationId, author: 'visitor', authorName: 'Ann' });
    // The visitor's own widget shows it too, as if typed there.
    await eventually(() => expect(visitor.messages.map((m) => m.text)).toContain('It is 4711.'));
    // The sending server retries (it did not see our answer): same Message-ID, nothing new.
    expect((await sendEmail(smtpPort, mail)).response).toContain('(duplicate)');
    const seen = await agentSawSettled(visitor, conversationId);
    expect(seen.filter((m) => m.text === 'It is 4711.')).toHaveLength(1);
    // No address or text of the email in the logs.
    expect(JSON.stringify(server.logs)).not.toContain(VISITOR_EMAIL);
    expect(JSON.stringify(server.logs)).not.toContain('4711');
  });

  it('30 concurrent deliveries of one email make one message', async () => {
    const { visitor, conversationId, replyTo } = await chattingVisitor();
    const mail = reply(replyTo, '<reply-burst@mail.example>', 'Delivered thirty times');
    const answers = await Promise.all(Array.from({ length: 30 }, () => sendEmail(smtpPort, mail)));
    const outcomes = answers.map((a) => /\((\w+)\)/.exec(a.response)?.[1]);
    expect(outcomes.filter((o) => o === 'appended')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(29);
    const seen = await agentSawSettled(visitor, conversationId);
    expect(seen.filter((m) => m.text === 'Delivered thirty times')).toHaveLength(1);
  });

  it('a forged or altered reply address is refused at RCPT TO (550) and changes nothing', async () => {
    const { visitor, conversationId, replyTo } = await chattingVisitor();
    const forged = `reply+${conversationId}.0123456789abcdef0123@${REPLY_DOMAIN}`;
    const other = links.replyAddress('another-conversation', REPLY_DOMAIN).replace('another', 'anothex');
    for (const to of [forged, other, `support@${REPLY_DOMAIN}`])
      expect(await smtpOutcome(smtpPort, reply(to, `<forged-${to}@mail.example>`, 'Forged reply'))).toBe('refused 550');
    // Letter case and domain may be rewritten by providers: still the genuine address.
    const rewritten = replyTo.toUpperCase().replace(REPLY_DOMAIN.toUpperCase(), 'relay.example.net');
    expect(await smtpOutcome(smtpPort, reply(rewritten, '<case@mail.example>', 'Upper case'))).toContain('(appended)');
    const seen = await agentSawSettled(visitor, conversationId);
    expect(seen.map((m) => m.text)).not.toContain('Forged reply');
    expect(seen.map((m) => m.text)).toContain('Upper case');
  });

  it('auto-replies, bounces and empty replies append nothing', async () => {
    const { visitor, conversationId, replyTo } = await chattingVisitor();
    const auto = reply(replyTo, '<ooo@mail.example>', 'I am out of office until Monday.', {
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    const bounce = reply(replyTo, '<bounce@mail.example>', 'Delivery failed: mailbox full', {
      envelope: { from: '', to: replyTo },
      from: 'Mail Delivery System <daemon@mx.example.net>',
    });
    const empty = reply(replyTo, '<empty@mail.example>', `\n-- \nAnn${QUOTED}`);
    for (const mail of [auto, bounce, empty]) expect(await smtpOutcome(smtpPort, mail)).toContain('(ignored)');
    const seen = await agentSawSettled(visitor, conversationId);
    expect(seen.map((m) => m.text)).toEqual([]);
    const stored = await api(server.url, `/api/conversations/${conversationId}/messages`, { token: admin });
    const texts = stored.body.messages.map((m: Message) => m.text).join('\n');
    for (const text of ['out of office', 'Delivery failed', 'What is your order number'])
      expect(texts).not.toContain(text);
  });

  it('a reply from another address of the visitor is taken (the signed address is what counts)', async () => {
    const { visitor, conversationId, replyTo } = await chattingVisitor();
    const mail = reply(replyTo, '<alias@mail.example>', 'Sent from my work address', {
      from: 'Ann Visitor <ann@work.example>',
    });
    expect(await smtpOutcome(smtpPort, mail)).toContain('(appended)');
    const seen = await agentSawSettled(visitor, conversationId);
    expect(seen.map((m) => m.text)).toContain('Sent from my work address');
  });

  it("a blocked visitor's replies are dropped; garbage never harms the listener", async () => {
    const { conversationId, replyTo } = await chattingVisitor();
    const blocked = await api(server.url, `/api/conversations/${conversationId}/block`, { token: admin, body: {} });
    expect(blocked.status).toBe(201);
    expect(await smtpOutcome(smtpPort, reply(replyTo, '<blocked@mail.example>', 'Let me back in'))).toContain(
      '(ignored)',
    );
    const garbage = { envelope: { from: 'x@example.com', to: replyTo }, raw: '\u0000\u0001 not a mail \r\n\r\n' };
    expect(await smtpOutcome(smtpPort, garbage)).toContain('(ignored)');
    const stored = await api(server.url, `/api/conversations/${conversationId}/messages`, { token: admin });
    expect(stored.body.messages.map((m: Message) => m.text)).not.toContain('Let me back in');
    // The block also covers the visitor's address (127.0.0.1, every test visitor's): lift it.
    const { blocks } = (await api(server.url, '/api/blocks', { token: admin })).body as { blocks: { id: string }[] };
    for (const block of blocks)
      expect((await api(server.url, `/api/blocks/${block.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
  });

  it("keeps attached images and PDFs as the visitor's files; names the ones it may not keep", async () => {
    const { visitor, conversationId, replyTo } = await chattingVisitor();
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#3366cc' } })
      .png()
      .toBuffer();
    const mail = reply(replyTo, '<with-files@mail.example>', `Here are the photo and the invoice.${QUOTED}`, {
      html: '<p>Here are the photo and the invoice.</p><img src="cid:logo@acme">',
      attachments: [
        { filename: 'photo.png', content: png },
        { filename: 'invoice.pdf', content: PDF },
        { filename: 'page.html', content: '<html><script>alert(1)</script></html>', contentType: 'text/html' },
        // Embedded in the HTML (a signature's logo): not an attachment of the message.
        { filename: 'logo.png', content: png, cid: 'logo@acme' },
      ],
    });
    expect(await smtpOutcome(smtpPort, mail)).toContain('(appended)');
    const seen = await agentSawSettled(visitor, conversationId);
    expect(seen).toHaveLength(1);
    const [message] = seen as [Message];
    expect(message.text).toBe('Here are the photo and the invoice.\n\n[Attached to the email, not kept: page.html]');
    expect(message.attachments.map((a) => [a.name, a.type])).toEqual([
      ['photo.png', 'image/png'],
      ['invoice.pdf', 'application/pdf'],
    ]);
    expect(message.attachments[0]).toMatchObject({ width: 40, height: 30 });
    // The agent opens them as any visitor upload; the visitor too, with their own credential.
    const agentToken = (agent.socket.auth as { token: string }).token;
    const file = await download(server.url, unsigned(message.attachments[1]!.url), {
      authorization: `Bearer ${agentToken}`,
    });
    expect(file.status).toBe(200);
    expect(Buffer.from(file.bytes).equals(PDF)).toBe(true);
    const own = await download(server.url, unsigned(message.attachments[0]!.url), {
      authorization: `Visitor ${visitor.session.visitorToken}`,
    });
    expect(own.status).toBe(200);
  });

  it('a reply to a closed conversation opens a new one for the same visitor, as the widget does', async () => {
    const { visitor, conversationId, replyTo } = await chattingVisitor();
    await ok(emit(visitor.socket, 'conversation:close', { conversationId }));
    const mail = reply(replyTo, '<after-close@mail.example>', 'One more question, sorry');
    expect(await smtpOutcome(smtpPort, mail)).toContain('(appended)');
    const reopened = await eventually(() => {
      const found = visitor.messages.find((m) => m.text === 'One more question, sorry');
      expect(found).toBeDefined();
      return found!;
    });
    expect(reopened.conversationId).not.toBe(conversationId);
    const conversation = (await api(server.url, `/api/conversations/${reopened.conversationId}`, { token: admin })).body
      .conversation as Conversation;
    expect(conversation).toMatchObject({ visitorId: visitor.session.visitorId });
    expect(conversation.status).not.toBe('closed');
    // The agent gets the new conversation, and the closed one stays closed and unchanged.
    await eventually(() => expect(agent.assigned.map((c) => c.id)).toContain(reopened.conversationId));
    const old = await api(server.url, `/api/conversations/${conversationId}/messages`, { token: admin });
    expect(old.body.messages.map((m: Message) => m.text)).not.toContain('One more question, sorry');
    // Delivered again: still one message, and no third conversation.
    expect(await smtpOutcome(smtpPort, mail)).toContain('(duplicate)');
  });
});

describe('POST /api/email/inbound (a provider webhook)', () => {
  const post = (body: unknown, secret: string | null = WEBHOOK_SECRET) =>
    api(server.url, '/api/email/inbound', {
      body,
      ...(secret === null ? {} : { headers: { authorization: `Bearer ${secret}` } }),
    });

  it('needs its bearer secret, before looking at the body', async () => {
    for (const secret of [null, 'wrong-secret-0123456789', `${WEBHOOK_SECRET}x`]) {
      const res = await post({ raw: 'x' }, secret);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
      expect((await post({ nonsense: true }, secret)).status).toBe(401);
    }
  });

  it('refuses a malformed body with 400 invalid_payload', async () => {
    for (const body of [{}, { raw: '' }, { messageId: 'x', from: 'a@b' }, { raw: 'x', text: 'both' }, [1]]) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_payload');
    }
    const broken = await api(server.url, '/api/email/inbound', {
      rawBody: '{"raw": ',
      headers: { authorization: `Bearer ${WEBHOOK_SECRET}` },
    });
    expect(broken.status).toBe(400);
  });

  it('appends a reply once: appended, then duplicate in either format; ignores the rest', async () => {
    const { visitor, conversationId, replyTo } = await chattingVisitor();
    const fields = {
      messageId: '<webhook-1@mail.example>',
      from: `Ann <${VISITOR_EMAIL}>`,
      to: [`ACME <${replyTo}>`],
      subject: 'Re: your chat',
      text: `Posted by the provider${QUOTED}`,
      headers: { 'X-Mailer': 'provider' },
    };
    const first = await post(fields);
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ status: 'appended' });
    await eventually(() => expect(agent.messages.map((m) => m.text)).toContain('Posted by the provider'));
    expect((await post(fields)).body).toEqual({ status: 'duplicate' });
    // The same email as raw MIME (same Message-ID): a duplicate too.
    const raw = [
      `From: Ann <${VISITOR_EMAIL}>`,
      `To: ${replyTo}`,
      'Subject: Re: your chat',
      'Message-ID: <webhook-1@mail.example>',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Posted by the provider',
      '',
    ].join('\r\n');
    expect((await post({ raw })).body).toEqual({ status: 'duplicate' });
    // A raw email larger than the API's usual JSON limit, with a new Message-ID.
    const big = raw
      .replace('webhook-1@', 'webhook-big@')
      .replace('Posted by the provider', `Big one\n${'x'.repeat(200_000)}`);
    const bigRes = await post({ raw: big });
    expect(bigRes.status).toBe(202);
    expect(bigRes.body).toEqual({ status: 'appended' });
    // Not for one of our conversations, or automatic: ignored.
    const forged = {
      ...fields,
      messageId: '<w-forged@mail.example>',
      to: [`reply+${conversationId}.${'0'.repeat(20)}@x.example`],
    };
    expect((await post(forged)).body).toEqual({ status: 'ignored' });
    const auto = { ...fields, messageId: '<w-auto@mail.example>', headers: { 'Auto-Submitted': 'auto-replied' } };
    expect((await post(auto)).body).toEqual({ status: 'ignored' });
    expect((await post({ raw: 'not an email at all' })).body).toEqual({ status: 'ignored' });
    const seen = await agentSawSettled(visitor, conversationId);
    expect(seen.filter((m) => m.text === 'Posted by the provider')).toHaveLength(1);
    expect(seen.filter((m) => m.text.startsWith('Big one\n'))).toHaveLength(1);
    expect(seen.filter((m) => m.text.startsWith('Big one\n'))[0]!.text.length).toBe(5000);
    expect(seen).toHaveLength(2);
  });
});

describe('shutdown', () => {
  it('closes the SMTP listener with the server', async () => {
    const { code } = await server.stop();
    expect(code).toBe(0);
    expect(await smtpOutcome(smtpPort, reply('x@example.com', '<late@mail.example>', 'late'))).toMatch(
      /ECONNREFUSED|refused/,
    );
  });
});
